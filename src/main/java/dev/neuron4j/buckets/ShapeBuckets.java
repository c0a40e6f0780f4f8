package dev.neuron4j.buckets;

import dev.neuron4j.DataType;
import dev.neuron4j.Model;
import dev.neuron4j.TensorSpec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * One graph compiled for several fixed shapes (say sequence 32/64/128 &times; batch 1/8), served as a model of
 * variable shape: each request runs on the smallest compiled model that holds it, its inputs padded up to that
 * model's shapes and its outputs sliced back to the request's. The compiled models are any {@link Model}: a
 * {@link dev.neuron4j.NeffModel}, a {@link dev.neuron4j.ModelReplicas}, a TorchScript model.
 *
 * <pre>{@code
 * try (ShapeBuckets buckets = ShapeBuckets.builder("bert")
 *         .bucket(runtime.load(Path.of("bert_b1_s32.neff"), Placement.core(0)))
 *         .bucket(runtime.load(Path.of("bert_b1_s128.neff"), Placement.core(0)))
 *         .padValue("input_ids", tokenizerPadId)        // attention_mask keeps the default, 0
 *         .overflow(Overflow.TRUNCATE)
 *         .build()) {
 *     Map<String, ShapedBuffer> out = buckets.run(Map.of(
 *             "input_ids", ShapedBuffer.ofLongs(ids, 1, ids.length),
 *             "attention_mask", ShapedBuffer.ofLongs(mask, 1, mask.length)));
 *     float[] logits = out.get("logits").toFloats();      // [1, labels]
 * }
 * }</pre>
 *
 * <h2>Which buckets make a set</h2>
 * All buckets must have the same inputs and outputs: names in the same order, element types and ranks. Any
 * dimension may differ between buckets (batch, sequence, image size...). Types and shapes must be known: a
 * model that does not report its outputs (TorchScript) gets them declared with
 * {@link Builder#bucket(Model, List)}. Two buckets with the same input shapes are refused.
 *
 * <h2>Outputs</h2>
 * An output dimension <em>follows</em> an input dimension when the two are equal in every bucket, and is then
 * sliced to the request's size of that input dimension (logits {@code [batch, labels]} follow the rows of
 * {@code input_ids [batch, sequence]}; labels stay whole). This is derived when the set is built: an output
 * dimension that differs between buckets but follows no input dimension is refused; one the same in every
 * bucket follows only input dimensions at its own axis (a label count equal to a batch size by chance does not
 * count); one that could follow several axes of one input, none its own, is ambiguous and refused. Where it
 * follows several inputs ({@code input_ids} and {@code attention_mask}), a request must give them equal sizes.
 *
 * <h2>Selection</h2>
 * A request fits a bucket when each of its input dimensions is at most the bucket's. Among the buckets it fits,
 * the smallest wins: the fewest input elements, padding included ({@link Bucket#elementCount()}); ties go to the
 * bucket given first. A request longer than every bucket in some dimension is refused or cut, as the
 * {@link Overflow} says; more rows (dimension 0) than every bucket holds is always refused, naming the largest
 * bucket. A server's batcher asks {@link #select} where a batch of R rows of longest sequence S goes (the
 * smallest bucket with batch at least R and sequence at least S) before it builds the batch, and
 * {@link #runBatch} runs several requests as one such batch.
 *
 * <h2>Padding</h2>
 * Each input is padded with its pad value ({@link Builder#padValue}, 0 by default): the request's elements at
 * the leading indices, the pad value everywhere else, for example {@code attention_mask} 0 and
 * {@code input_ids} the tokenizer's pad id. A request of exactly a bucket's shapes is passed on without copying.
 *
 * <h2>Thread safety and ownership</h2>
 * Thread-safe: {@link #select} and {@link #run} may be called from many threads at once. Each running call has
 * its own padded buffers (kept for reuse, one set per concurrent call and bucket) and, on a
 * {@link dev.neuron4j.NeffModel}, its own {@link dev.neuron4j.Binding} (pooled likewise; on a
 * {@link dev.neuron4j.ModelReplicas}, the leased replica's), whose outputs are read straight into the buffers
 * returned; other models go through their thread-safe {@link Model#run}. The set owns its models:
 * {@link #close()} closes them all; a call running meanwhile finishes or fails as the model's own close
 * decides, and calls after it throw {@link IllegalStateException}. A {@link Builder#build()} that fails leaves
 * the models open, for the caller to close.
 */
public final class ShapeBuckets implements AutoCloseable {
    private final String name;
    private final List<Bucket> buckets;
    private final List<TensorSpec> inputs;
    private final RequestCheck check;
    private final BucketChoice choice;
    private final BucketRunner[] runners;
    private final BucketLayout layout;
    private final Map<String, Number> padValues;
    private final Overflow overflow;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ShapeBuckets(String name, List<Bucket> buckets, BucketLayout layout, Map<String, Number> padValues,
            Overflow overflow) {
        this.name = name;
        this.buckets = Collections.unmodifiableList(buckets);
        this.inputs = buckets.get(0).inputs();
        this.check = new RequestCheck(name, inputs);
        this.choice = new BucketChoice(name, this.buckets, overflow);
        this.layout = layout;
        this.padValues = padValues;
        this.overflow = overflow;
        ByteBuffer[] templates = PadValue.templates(buckets, padValues);
        this.runners = buckets.stream().map(b -> new BucketRunner(b, layout, templates)).toArray(BucketRunner[]::new);
    }

    /**
     * Starts a set.
     *
     * @param name the set's name, for messages (e.g. the model folder's)
     * @return a builder with no bucket, pad values 0 and {@link Overflow#REFUSE}
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * The spec of an output, for models that do not report their outputs (see {@link Builder#bucket(Model, List)}).
     *
     * @param name the name the model's {@link Model#run} gives it (a TorchScript model: {@code output0}, ...)
     * @param dataType the element type
     * @param shape its dimensions in that bucket
     * @return the spec, its byte size the element count times the element size
     * @throws IllegalArgumentException if the type has no size or a dimension is negative
     */
    public static TensorSpec output(String name, DataType dataType, long... shape) {
        if (dataType.byteSize() == 0) {
            throw new IllegalArgumentException("Output '" + name + "': type " + dataType + " has no size");
        }
        for (long dim : shape) {
            if (dim < 0) {
                throw new IllegalArgumentException("Output '" + name + "': negative dimension in "
                        + Arrays.toString(shape));
            }
        }
        return new TensorSpec(name, TensorSpec.Usage.OUTPUT, dataType, shape,
                Math.multiplyExact(TensorSpec.elementCount(shape), dataType.byteSize()));
    }

    /** {@return the set's name} */
    public String name() {
        return name;
    }

    /** {@return the buckets, in the order given (read-only)} */
    public List<Bucket> buckets() {
        return buckets;
    }

    /** {@return the bucket with the most input elements (of those, the first given)} */
    public Bucket largest() {
        return choice.largest();
    }

    /** {@return the inputs' names, types and ranks (their shapes are those of bucket 0)} */
    public List<TensorSpec> inputs() {
        return inputs;
    }

    /**
     * The value an input is padded with.
     *
     * @param input an input name
     * @return a {@link Long} or {@link Double} as given to the builder, else {@code 0L}
     * @throws IllegalArgumentException if there is no such input
     */
    public Number padValue(String input) {
        check.indexOf(input);
        return padValues.getOrDefault(input, 0L);
    }

    /** {@return what happens to a request longer than every bucket} */
    public Overflow overflow() {
        return overflow;
    }

    /**
     * Chooses the bucket a request of these shapes runs on, without running it: the smallest that holds the
     * shapes, after {@link Overflow#TRUNCATE} cuts them if so configured.
     *
     * @param shapes one shape per input name
     * @return the bucket
     * @throws IllegalArgumentException for a missing or unknown name, a wrong rank or a negative dimension, or
     *     shapes no bucket holds (the message names the largest bucket)
     * @throws IllegalStateException if closed
     */
    public Bucket select(Map<String, long[]> shapes) {
        ensureOpen();
        return choice.smallestHolding(choice.fit(check.shapes(shapes)));
    }

    /**
     * Runs a request once, on the bucket {@link #select} picks: pads the inputs, runs the bucket's model, and
     * slices the outputs back to the request's shapes (cut shapes, after {@link Overflow#TRUNCATE}).
     *
     * @param request one buffer per input name, of the input's element type and rank
     * @return one buffer per output, in the models' order: a view of the model's output where it needed no
     *     slicing, else a new direct buffer
     * @throws IllegalArgumentException for a missing or unknown name, a wrong type or rank, shapes no bucket
     *     holds (the message names the largest bucket), or inputs that disagree on the size of an output
     *     dimension
     * @throws IllegalStateException if closed, or if a model returns an output missing or of a size unlike
     *     its spec
     * @throws RuntimeException what the model's {@link Model#run} throws (e.g. a
     *     {@link dev.neuron4j.NeuronException})
     */
    public Map<String, ShapedBuffer> run(Map<String, ShapedBuffer> request) {
        ensureOpen();
        ShapedBuffer[] ordered = check.checked(request);
        long[][] fitted = choice.fit(RequestCheck.shapesOf(ordered));
        return runners[choice.smallestHolding(fitted).index()].run(name, new ShapedBuffer[][] {ordered},
                new long[][][] {fitted}, fitted).get(0);
    }

    /**
     * Runs several requests as one batch, for a server's batcher or a list of sentences: their rows (dimension
     * 0) are stacked in order, each request padded to the batch's longest in the other dimensions (after
     * {@link Overflow#TRUNCATE} cuts each one), the batch runs once on the bucket {@link #select} picks for it,
     * and each request gets its own rows of every output back, sliced to its own shapes. Every output's
     * dimension 0 must follow the rows of the inputs.
     *
     * @param requests at least one; each with one buffer per input name, of the input's type and rank, all of
     *     its inputs with the same number of rows
     * @return per request, in order, one buffer per output
     * @throws IllegalArgumentException as {@link #run} for any request (the message starts with
     *     {@code Request K of the batch: }), if a request's inputs disagree on their rows, if the batch has more
     *     rows than every bucket, or if an output has no rows dimension
     * @throws IllegalStateException as {@link #run}
     */
    public List<Map<String, ShapedBuffer>> runBatch(List<? extends Map<String, ShapedBuffer>> requests) {
        ensureOpen();
        if (requests.isEmpty()) {
            throw new IllegalArgumentException("Buckets '" + name + "': a batch needs at least one request");
        }
        int withoutRows = layout.firstOutputWithoutRows();
        if (withoutRows >= 0) {
            throw new IllegalArgumentException("Buckets '" + name + "': output '"
                    + buckets.get(0).outputs().get(withoutRows).name() + "' has no rows (its dimension 0 follows "
                    + "no input's dimension 0), so a batch cannot be split back into requests");
        }
        ShapedBuffer[][] ordered = new ShapedBuffer[requests.size()][];
        long[][][] fitted = new long[requests.size()][][];
        long[][] stacked = new long[inputs.size()][];
        for (int k = 0; k < ordered.length; k++) {
            try {
                ordered[k] = check.checked(requests.get(k));
                fitted[k] = choice.fit(check.rowsOf(ordered[k]));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Request " + k + " of the batch: " + e.getMessage(), e);
            }
            for (int i = 0; i < stacked.length; i++) {
                stacked[i] = BucketChoice.stack(stacked[i], fitted[k][i]);
            }
        }
        long[][] batch = choice.fit(stacked);
        return runners[choice.smallestHolding(batch).index()].run(name, ordered, fitted, batch);
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("ShapeBuckets '" + name + "' is closed");
        }
    }

    /** {@return whether {@link #close()} was called} */
    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Closes every bucket's model, in the order given, each once even if another fails (the first failure is
     * thrown, the others added to it as suppressed). Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        RuntimeException failure = null;
        for (Bucket b : buckets) {
            try {
                b.model().close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "ShapeBuckets[" + name + ": " + buckets.stream().map(Bucket::describe).collect(Collectors.joining(", "))
                + (closed.get() ? ", closed" : "") + "]";
    }

    /** Collects the buckets and settings of a {@link ShapeBuckets}; not thread-safe. */
    public static final class Builder {
        private final String name;
        private final List<Model> models = new ArrayList<>();
        private final List<List<TensorSpec>> declaredOutputs = new ArrayList<>();
        private final Map<String, Number> padValues = new LinkedHashMap<>();
        private Overflow overflow = Overflow.REFUSE;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /**
         * Adds a bucket whose model reports its inputs' and outputs' types and shapes (a NEFF does).
         *
         * @param model the compiled model, open; the set owns it once built
         * @return this builder
         */
        public Builder bucket(Model model) {
            models.add(Objects.requireNonNull(model, "model"));
            declaredOutputs.add(null);
            return this;
        }

        /**
         * Adds a bucket and declares its outputs, for a model that does not report them (a TorchScript model
         * reports outputs {@code output0, ...} of unknown type and shape).
         *
         * @param model the compiled model, open; the set owns it once built
         * @param outputs its outputs in this bucket, in the order it returns them (see {@link #output}); when the
         *     model reports output names, the same names, and where it reports a type, the same specs
         * @return this builder
         */
        public Builder bucket(Model model, List<TensorSpec> outputs) {
            models.add(Objects.requireNonNull(model, "model"));
            declaredOutputs.add(List.copyOf(outputs));
            return this;
        }

        /**
         * Sets the value an integer input is padded with (default 0), such as the tokenizer's pad id.
         *
         * @param input an input name (checked by {@link #build()})
         * @param value the value; it must fit the input's type (checked by {@link #build()})
         * @return this builder
         */
        public Builder padValue(String input, long value) {
            padValues.put(Objects.requireNonNull(input, "input"), value);
            return this;
        }

        /**
         * Sets the value a floating-point input is padded with (default 0).
         *
         * @param input an input name (checked by {@link #build()})
         * @param value the value; it must be exact in the input's type (checked by {@link #build()}); only 0
         *     for float16, bfloat16 and the fp8 types
         * @return this builder
         */
        public Builder padValue(String input, double value) {
            padValues.put(Objects.requireNonNull(input, "input"), value);
            return this;
        }

        /**
         * Sets what happens to a request longer than every bucket (default {@link Overflow#REFUSE}).
         *
         * @param overflow refuse or truncate
         * @return this builder
         */
        public Builder overflow(Overflow overflow) {
            this.overflow = Objects.requireNonNull(overflow, "overflow");
            return this;
        }

        /**
         * Checks the buckets and builds the set, which from then on owns the models.
         *
         * @return the set
         * @throws IllegalArgumentException with the reason (see {@link ShapeBuckets}): no bucket, a model given
         *     twice, buckets that are not one graph, unknown or unsuitable shapes, an output dimension that
         *     cannot be sliced back, a pad value for an unknown input or one its type cannot hold; the models are
         *     left open then
         * @throws IllegalStateException if a model is closed
         */
        public ShapeBuckets build() {
            if (models.isEmpty()) {
                throw new IllegalArgumentException("Buckets '" + name + "' need at least one model");
            }
            List<Bucket> buckets = new ArrayList<>();
            for (int i = 0; i < models.size(); i++) {
                Model m = models.get(i);
                for (int j = 0; j < i; j++) {
                    if (models.get(j) == m) {
                        throw new IllegalArgumentException("Buckets '" + name + "' hold model '" + m.name()
                                + "' twice (buckets " + j + " and " + i + ")");
                    }
                }
                buckets.add(new Bucket(i, m, m.inputs(), outputsOf(i, m)));
            }
            BucketLayout layout = BucketLayout.of(name, buckets);
            List<String> names = buckets.get(0).inputs().stream().map(TensorSpec::name).collect(Collectors.toList());
            for (String input : padValues.keySet()) {
                if (!names.contains(input)) {
                    throw new IllegalArgumentException("Buckets '" + name + "': a pad value is set for input '"
                            + input + "', which the models do not have; inputs " + names);
                }
            }
            return new ShapeBuckets(name, buckets, layout, Map.copyOf(padValues), overflow);
        }

        private List<TensorSpec> outputsOf(int index, Model model) {
            List<TensorSpec> reported = model.outputs();
            List<TensorSpec> declared = declaredOutputs.get(index);
            if (declared == null) {
                return reported;
            }
            List<String> declaredNames = new ArrayList<>();
            for (TensorSpec s : declared) {
                if (s.usage() != TensorSpec.Usage.OUTPUT) {
                    throw new IllegalArgumentException("Buckets '" + name + "': " + s + ", declared as an output "
                            + "of model '" + model.name() + "', is an input spec");
                }
                declaredNames.add(s.name());
            }
            List<String> reportedNames = reported.stream().map(TensorSpec::name).collect(Collectors.toList());
            if (!reported.isEmpty() && !reportedNames.equals(declaredNames)) {
                throw new IllegalArgumentException("Buckets '" + name + "': the outputs declared for model '"
                        + model.name() + "' " + declaredNames + " are not the ones it reports " + reportedNames);
            }
            for (int i = 0; i < reported.size(); i++) {
                if (reported.get(i).dataType() != DataType.UNKNOWN && !reported.get(i).equals(declared.get(i))) {
                    throw new IllegalArgumentException("Buckets '" + name + "': output " + declared.get(i)
                            + " declared for model '" + model.name() + "', which reports " + reported.get(i));
                }
            }
            return declared;
        }
    }
}
