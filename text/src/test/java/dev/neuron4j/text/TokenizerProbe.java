package dev.neuron4j.text;

import java.nio.file.Path;
import java.util.Arrays;

/** Child JVM of {@link TokenizerNativesTest}: loads a tokenizer.json, prints the ids of a text and DJL's flavor. */
public final class TokenizerProbe {
    private TokenizerProbe() {}

    /** @param args the tokenizer.json and the text */
    public static void main(String[] args) {
        try (Tokenizer tokenizer = Tokenizer.load(Path.of(args[0]))) {
            System.out.println("ids=" + Arrays.toString(tokenizer.encode(args[1], 4).inputIds()));
            System.out.println("flavor=" + System.getProperty("RUST_FLAVOR"));
        }
    }
}
