/**
 * Text classification: sentences in, labels out (docs/text.md).
 *
 * <ul>
 *   <li>{@link dev.neuron4j.text.Tokenizer}: a Hugging Face {@code tokenizer.json} through DJL's
 *       {@code ai.djl.huggingface:tokenizers} (an optional dependency; its native library comes from its jar,
 *       nothing is downloaded); {@link dev.neuron4j.text.Encoding}s padded and truncated to a length, one text
 *       or a batch; thread-safe.
 *   <li>{@link dev.neuron4j.text.TextClassifier}: a model folder ({@code tokenizer.json}, {@code config.json},
 *       one TorchScript or NEFF file per shape bucket) run as tokenizer, smallest bucket, model and softmax;
 *       {@link dev.neuron4j.text.Classification}s with label, confidence and probabilities; thread-safe.
 *   <li>{@link dev.neuron4j.text.TextModelConfig}: the folder's {@code config.json} (Hugging Face's
 *       {@code id2label} and neuron4j's {@code "neuron4j"} object).
 * </ul>
 *
 * <p>The public classes load without DJL on the class path; only a package-private class uses it.
 */
package dev.neuron4j.text;
