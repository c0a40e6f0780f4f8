package dev.neuron4j.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The Java tokenizer gives Hugging Face Python tokenizers' ids on the fixture's tokenizer.json. */
@ExtendWith(Python.Required.class)
class TokenizerTest {
    private static Path tokenizerJson;
    private static Tokenizer tokenizer;

    @BeforeAll
    @Timeout(600) // the first build traces the fixture
    static void fixture() throws IOException {
        Path folder = BertFixture.folderIfPython();
        tokenizerJson = folder == null ? null : folder.resolve("tokenizer.json");
        tokenizer = folder == null ? null : Tokenizer.load(tokenizerJson);
    }

    @AfterAll
    static void close() throws Exception {
        BertFixture.close(tokenizer);
    }

    /** Python's encodings of the sentences, each padded and truncated to {@code length}. */
    private static List<Encoding> python(List<String> sentences, int length) throws IOException {
        JsonNode json = Python.runScript(sentences, "reference_tokens.py", tokenizerJson.toString(),
                Integer.toString(length));
        List<Encoding> encodings = new ArrayList<>();
        for (JsonNode e : json) {
            encodings.add(new Encoding(longs(e.get("input_ids")), longs(e.get("attention_mask")),
                    longs(e.get("token_type_ids"))));
        }
        assertEquals(sentences.size(), encodings.size());
        return encodings;
    }

    private static long[] longs(JsonNode array) {
        long[] values = new long[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asLong();
        }
        return values;
    }

    @Test
    void eachSentenceAtAFixedLengthHasPythonsIdsMaskAndTypeIds() throws IOException {
        List<String> sentences = Sentences.all();
        assertTrue(sentences.size() >= 200, "at least 200 sentences");
        List<Encoding> expected = python(sentences, 32);
        for (int i = 0; i < sentences.size(); i++) {
            assertEquals(expected.get(i), tokenizer.encode(sentences.get(i), 32), "sentence " + i + ": "
                    + sentences.get(i));
        }
    }

    @Test
    void aBatchHasPythonsIdsAtEveryLength() throws IOException {
        List<String> sentences = Sentences.all();
        for (int length : new int[] {8, 64, 128}) {
            assertEquals(python(sentences, length), tokenizer.encode(sentences, length), "length " + length);
        }
    }

    @Test
    void unpaddedEncodingsArePythonsWithoutThePadding() throws IOException {
        List<String> sentences = Sentences.random(50);
        List<Encoding> padded = python(sentences, 512);
        List<Encoding> unpadded = tokenizer.encode(sentences);
        for (int i = 0; i < sentences.size(); i++) {
            Encoding e = unpadded.get(i);
            int tokens = padded.get(i).tokenCount();
            assertEquals(tokens, e.length(), "no padding: " + sentences.get(i));
            assertEquals(tokens, e.tokenCount());
            long[] ids = Arrays.copyOf(padded.get(i).inputIds(), tokens);
            assertArrayEquals(ids, e.inputIds(), sentences.get(i));
            assertEquals(e, tokenizer.encode(sentences.get(i)), "one text alone as in a batch");
        }
    }

    @Test
    void theEmptyTextIsTheSpecialTokensThenPadding() {
        Encoding e = tokenizer.encode("", 6);
        // [CLS] [SEP] then four [PAD]s (the fixture's ids: [PAD] 0, [CLS] 2, [SEP] 3)
        assertArrayEquals(new long[] {2, 3, 0, 0, 0, 0}, e.inputIds());
        assertArrayEquals(new long[] {1, 1, 0, 0, 0, 0}, e.attentionMask());
        assertArrayEquals(new long[6], e.tokenTypeIds());
        assertEquals(0, tokenizer.padId(), "the file's padding.pad_id");
    }

    @Test
    void overLongTextIsTruncatedKeepingTheSpecialTokens() {
        Encoding e = tokenizer.encode(Sentences.longText(600), 16);
        assertEquals(16, e.length());
        assertEquals(16, e.tokenCount(), "no padding");
        assertEquals(2, e.inputIds()[0], "[CLS] first");
        assertEquals(3, e.inputIds()[15], "[SEP] last");
        assertTrue(tokenizer.encode(Sentences.longText(600)).length() > 600, "no truncation without a length");
    }

    @Test
    void manyThreadsAtOnceGetTheSameEncodingsAsOne() throws Exception {
        List<String> sentences = Sentences.all();
        List<Encoding> expected = new ArrayList<>();
        for (String s : sentences) {
            expected.add(tokenizer.encode(s, 48));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<Encoding>>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                boolean batch = t % 2 == 0;
                results.add(pool.submit(() -> {
                    List<Encoding> mine = new ArrayList<>();
                    for (int round = 0; round < 5; round++) {
                        mine.clear();
                        if (batch) {
                            mine.addAll(tokenizer.encode(sentences, 48));
                        } else {
                            for (String s : sentences) {
                                mine.add(tokenizer.encode(s, 48));
                            }
                        }
                    }
                    return mine;
                }));
            }
            for (Future<List<Encoding>> f : results) {
                assertEquals(expected, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aTokenizerConfigBesideTheFileChangesNothing(@TempDir Path dir) throws IOException {
        // save_pretrained also writes tokenizer_config.json, which DJL reads when it lies beside tokenizer.json.
        Path copy = Files.copy(tokenizerJson, dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"model_max_length\": 16, "
                + "\"do_lower_case\": false, \"tokenizer_class\": \"BertTokenizer\", \"pad_token\": \"[PAD]\"}");
        List<String> sentences = Sentences.special();
        try (Tokenizer beside = Tokenizer.load(copy)) {
            assertEquals(tokenizer.encode(sentences, 32), beside.encode(sentences, 32));
            assertEquals(tokenizer.encode(sentences), beside.encode(sentences));
        }
    }

    @Test
    void aClosedTokenizerRefusesCalls() {
        Tokenizer t = Tokenizer.load(tokenizerJson);
        t.encode("warm up", 8);
        t.close();
        t.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> t.encode("x"));
        assertThrows(IllegalStateException.class, () -> t.encode("x", 8));
        assertThrows(IllegalStateException.class, () -> t.encode(List.of("x"), 8));
    }

    @Test
    void aMissingFileIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("nope/tokenizer.json");
        TokenizerException e = assertThrows(TokenizerException.class, () -> Tokenizer.load(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void aLengthMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> tokenizer.encode("x", 0));
    }
}
