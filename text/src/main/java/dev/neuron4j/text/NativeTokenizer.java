package dev.neuron4j.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One native (Rust) Hugging Face tokenizer through DJL, its padding and truncation fixed when built. The only
 * class that touches DJL (an optional dependency), so that the public classes load without it. Encoding is
 * safe from several threads at once (the native encode only reads the tokenizer); {@link #close()} is not,
 * which is why {@link Tokenizer} guards it.
 */
final class NativeTokenizer implements AutoCloseable {
    /** DJL's switch between its CPU and CUDA builds of the native library (environment or system property). */
    static final String FLAVOR = "RUST_FLAVOR";

    private final HuggingFaceTokenizer tokenizer;

    private NativeTokenizer(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /**
     * Builds a native tokenizer from a tokenizer.json.
     *
     * @param file the tokenizer.json
     * @param length pad and truncate every text to this many tokens, or 0 for neither
     * @throws IOException if the file cannot be read
     */
    static NativeTokenizer open(Path file, int length) throws IOException {
        preferBundledLibrary();
        HuggingFaceTokenizer.Builder builder = HuggingFaceTokenizer.builder().optTokenizerPath(file)
                .optAddSpecialTokens(true);
        if (length > 0) {
            builder.optMaxLength(length).optPadToMaxLength().optTruncation(true);
        } else {
            builder.optPadding(false).optTruncation(false);
        }
        return new NativeTokenizer(builder.build());
    }

    /**
     * Keeps DJL on the native library its jar carries: DJL extracts {@code native/lib/linux-x86_64/cpu/} from
     * the jar into its cache folder, and would download another build only for a CUDA flavor, which it picks by
     * itself on a machine with CUDA unless offline. The CPU flavor is set unless the user chose one.
     */
    private static void preferBundledLibrary() {
        if (System.getenv(FLAVOR) == null && System.getProperty(FLAVOR) == null) {
            System.setProperty(FLAVOR, "cpu");
        }
    }

    /** Encodes one text. */
    Encoding encode(String text) {
        return convert(tokenizer.encode(text));
    }

    /** Encodes texts in one native call. */
    List<Encoding> encode(List<String> texts) {
        ai.djl.huggingface.tokenizers.Encoding[] encodings = tokenizer.batchEncode(texts);
        List<Encoding> result = new ArrayList<>(encodings.length);
        for (ai.djl.huggingface.tokenizers.Encoding e : encodings) {
            result.add(convert(e));
        }
        return result;
    }

    private static Encoding convert(ai.djl.huggingface.tokenizers.Encoding e) {
        return new Encoding(e.getIds(), e.getAttentionMask(), e.getTypeIds());
    }

    /** Frees the native tokenizer. */
    @Override
    public void close() {
        tokenizer.close();
    }
}
