package dev.neuron4j.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neuron4j.testing.ChildJvm;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DJL's tokenizers loads the linux-x86_64 native library from its own jar, with no network and no offline
 * setting: a fresh JVM, an empty cache folder, DJL's offline switch unset and every proxy pointing at a closed
 * port (a download would fail).
 */
class TokenizerNativesTest {
    /** The smallest tokenizer.json: whitespace split, a three-word vocabulary, no padding in the file. */
    static Path wordLevelTokenizer(Path dir) throws IOException {
        return copyResource("word-level-tokenizer.json", dir.resolve("tokenizer.json"));
    }

    /** Copies a resource of this package to a file. */
    static Path copyResource(String name, Path file) throws IOException {
        try (InputStream in = TokenizerNativesTest.class.getResourceAsStream(name)) {
            Files.copy(in, file);
        }
        return file;
    }

    @Test
    void theNativeLibraryComesFromTheJarWithoutNetwork(@TempDir Path dir) throws Exception {
        Path tokenizer = wordLevelTokenizer(dir);
        Path cache = dir.resolve("djl-cache");
        Map<String, String> env = new HashMap<>();
        for (String name : List.of("ENGINE_CACHE_DIR", "DJL_CACHE_DIR", "DJL_OFFLINE", "RUST_FLAVOR", "RUST_LIBRARY_PATH",
                "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")) {
            env.put(name, null);
        }
        Map<String, String> props = Map.of("ENGINE_CACHE_DIR", cache.toString(), "http.proxyHost", "127.0.0.1",
                "http.proxyPort", "9", "https.proxyHost", "127.0.0.1", "https.proxyPort", "9",
                "org.slf4j.simpleLogger.log.ai.djl", "info");
        ChildJvm.Result r = ChildJvm.run(TokenizerProbe.class, env, props, tokenizer.toString(), "hello big world");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("[1, 0, 2, 0]", r.value("ids"), "hello [UNK] world, padded with id 0: " + r);
        assertEquals("cpu", r.value("flavor"), "the CPU build the jar carries: " + r);
        assertTrue(r.stderr().contains("Extracting native/lib/linux-x86_64/cpu/libtokenizers.so to cache"), r.toString());
        assertFalse(r.stderr().contains("Downloading"), r.toString());

        Path extracted;
        try (Stream<Path> files = Files.walk(cache)) {
            extracted = files.filter(p -> p.getFileName().toString().equals("libtokenizers.so")).findFirst()
                    .orElseThrow(() -> new AssertionError("no libtokenizers.so under " + cache));
        }
        try (InputStream jar = Tokenizer.class.getClassLoader()
                .getResourceAsStream("native/lib/linux-x86_64/cpu/libtokenizers.so")) {
            assertArrayEquals(jar.readAllBytes(), Files.readAllBytes(extracted), "the jar's library, byte for byte");
        }
    }

    @Test
    void thePadIdIsZeroWhenTheFileSetsNoPadding(@TempDir Path dir) throws IOException {
        try (Tokenizer tokenizer = Tokenizer.load(wordLevelTokenizer(dir))) {
            assertEquals(0, tokenizer.padId());
            assertArrayEquals(new long[] {2, 1, 0}, tokenizer.encode("world hello", 3).inputIds());
            assertArrayEquals(new long[] {1, 1, 0}, tokenizer.encode("world hello", 3).attentionMask());
        }
    }
}
