package dev.neuron4j.text;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The sentences the tests compare with Python: hand-picked hard cases (empty text, accents, punctuation,
 * numbers, unicode, over-long text) and seeded random ones, made by code.
 */
final class Sentences {
    private static final String[] WORDS = ("the movie was great terrible awful food service I loved hated it "
            + "really not never again best worst product phone battery works price recommend boring amazing "
            + "café naïve résumé fiancé Ångström Zürich élève Straße quixotic zephyr xylophone supercalifragilistic "
            + "don't can't it's 42 3.14 1,000 2026 #1 100% $20 e-mail well-known U.S.A. Москва 東京 😀 👍🏽").split(" ");
    private static final String[] PUNCTUATION = {".", ",", "!", "?", "...", ";", ":", " -", " (ok)", "\"", "'"};

    private Sentences() {}

    /** The hand-picked cases. */
    static List<String> special() {
        return List.of("", " ", "   \t\n ", "I loved this movie!", "Terrible service, never again.",
                "Café naïve résumé fiancé", "ÉCOLE Élève À Ça", "e\u0301te\u0301 (combining accents)",
                "Hello,world!!!How are you???", "(parentheses) [brackets] {braces} <angles>", "don't won't y'all",
                "1,234.56 dollars on 2026-12-02 at 10:30", "007 0x1F 1e10 -5 +3", "I ❤️ this 😀😀 👍🏽",
                "日本語のテキストと中文", "Москва — столица", "مرحبا بالعالم", "Straße ﬁne ligatures",
                "zero\u200bwidth\u200djoiner", "tabs\tand\nnewlines\r\nhere", "control\u0007char",
                "ALL CAPS SHOUTING", "supercalifragilisticexpialidocious antidisestablishmentarianism",
                "a", "!", "[CLS] [SEP] [PAD] [UNK]", longText(40), longText(200), longText(600));
    }

    /** A text of {@code words} words, longer than the buckets when large. */
    static String longText(int words) {
        StringBuilder text = new StringBuilder();
        SplittableRandom random = new SplittableRandom(words);
        for (int i = 0; i < words; i++) {
            text.append(i == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
        }
        return text.toString();
    }

    /** {@code count} seeded random sentences of 1 to 30 words, with punctuation and capitals. */
    static List<String> random(int count) {
        SplittableRandom random = new SplittableRandom(16);
        List<String> sentences = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            StringBuilder text = new StringBuilder();
            int words = 1 + random.nextInt(30);
            for (int i = 0; i < words; i++) {
                String word = WORDS[random.nextInt(WORDS.length)];
                if (random.nextInt(5) == 0) {
                    word = Character.toUpperCase(word.charAt(0)) + word.substring(1);
                }
                text.append(i == 0 ? "" : " ").append(word);
                if (random.nextInt(6) == 0) {
                    text.append(PUNCTUATION[random.nextInt(PUNCTUATION.length)]);
                }
            }
            sentences.add(text.toString());
        }
        return sentences;
    }

    /** {@return the hand-picked cases followed by 200 random sentences} */
    static List<String> all() {
        List<String> all = new ArrayList<>(special());
        all.addAll(random(200));
        return all;
    }
}
