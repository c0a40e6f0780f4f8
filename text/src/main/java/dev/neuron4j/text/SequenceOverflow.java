package dev.neuron4j.text;

/** What a text classifier does with a text longer than its largest bucket's sequence length. */
public enum SequenceOverflow {
    /** Cut the text's tokens to the largest sequence length (the tokenizer keeps the special tokens). */
    TRUNCATE,
    /** Refuse the request, naming the largest bucket. */
    REFUSE
}
