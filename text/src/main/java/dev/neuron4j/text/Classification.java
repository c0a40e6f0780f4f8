package dev.neuron4j.text;

import java.util.List;

/**
 * What a {@link TextClassifier} says of one text.
 *
 * @param label the most probable class's label
 * @param confidence its probability
 * @param probabilities the softmax of the logits, one per class id (the order of {@link TextClassifier#labels()})
 * @param tokens how many tokens of the text the model read (special tokens included; after truncation)
 */
public record Classification(String label, double confidence, List<Double> probabilities, int tokens) {
    /**
     * Creates a classification (the list copied).
     *
     * @param label the label
     * @param confidence its probability
     * @param probabilities one probability per class
     * @param tokens the tokens read
     */
    public Classification {
        probabilities = List.copyOf(probabilities);
    }
}
