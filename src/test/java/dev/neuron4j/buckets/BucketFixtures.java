package dev.neuron4j.buckets;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.neuron4j.DataType;
import dev.neuron4j.Model;
import dev.neuron4j.NeffModel;
import dev.neuron4j.NeuronRuntime;
import dev.neuron4j.Placement;
import dev.neuron4j.RuntimeKind;
import dev.neuron4j.TensorSpec;
import dev.neuron4j.testkit.EmulatorNeff;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Emulator bucket models (all on core 0, which may hold several) and spec-only fakes for the bucket tests. */
final class BucketFixtures {
    private BucketFixtures() {}

    /** Skips the calling test on a real runtime: the buckets here are emulator NEFFs. */
    static void assumeEmulator() {
        assumeTrue(RuntimeKind.configured() == RuntimeKind.EMULATOR,
                "emulator-only test (neuron4j.runtime=" + RuntimeKind.configured() + ")");
    }

    /**
     * A text bucket: int64 {@code input_ids} and {@code attention_mask} [batch, sequence] copied by the
     * emulator to outputs {@code ids} and {@code mask} of the same shape, so a test sees what the model saw.
     */
    static NeffModel textBucket(NeuronRuntime runtime, long batch, long sequence) {
        byte[] neff = EmulatorNeff.builder().name("text_b" + batch + "_s" + sequence)
                .input("input_ids", DataType.INT64, batch, sequence)
                .input("attention_mask", DataType.INT64, batch, sequence)
                .output("ids", DataType.INT64, batch, sequence)
                .output("mask", DataType.INT64, batch, sequence)
                .op(EmulatorNeff.Op.IDENTITY).toBytes();
        return runtime.load(neff, "text_b" + batch + "_s" + sequence + ".neff", Placement.core(0));
    }

    /** A bucket copying one input {@code x} of the type and shape to output {@code y}. */
    static NeffModel identityBucket(NeuronRuntime runtime, DataType type, long... shape) {
        String name = "identity_" + type.neffName() + "_" + String.join("x", toStrings(shape));
        byte[] neff = EmulatorNeff.builder().name(name).input("x", type, shape).output("y", type, shape)
                .op(EmulatorNeff.Op.IDENTITY).toBytes();
        return runtime.load(neff, name + ".neff", Placement.core(0));
    }

    /** A logits bucket: float32 {@code features [batch, sequence] x weights [sequence, labels] -> logits [batch, labels]}. */
    static NeffModel matmulBucket(NeuronRuntime runtime, long batch, long sequence, long labels) {
        String name = "matmul_b" + batch + "_s" + sequence;
        byte[] neff = EmulatorNeff.builder().name(name).input("features", DataType.FLOAT32, batch, sequence)
                .input("weights", DataType.FLOAT32, sequence, labels)
                .output("logits", DataType.FLOAT32, batch, labels).op(EmulatorNeff.Op.MATMUL).toBytes();
        return runtime.load(neff, name + ".neff", Placement.core(0));
    }

    private static String[] toStrings(long[] shape) {
        String[] s = new String[shape.length];
        for (int i = 0; i < shape.length; i++) {
            s[i] = Long.toString(shape[i]);
        }
        return s;
    }

    /** A row-major int64 [rows, columns] request with element (r, c) = base + 1000 r + c. */
    static ShapedBuffer longs(long base, int rows, int columns) {
        long[] v = new long[rows * columns];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                v[r * columns + c] = base + 1000L * r + c;
            }
        }
        return ShapedBuffer.ofLongs(v, rows, columns);
    }

    /** A spec, its byte size from the shape. */
    static TensorSpec spec(String name, TensorSpec.Usage usage, DataType type, long... shape) {
        return new TensorSpec(name, usage, type, shape, TensorSpec.elementCount(shape) * type.byteSize());
    }

    static TensorSpec in(String name, DataType type, long... shape) {
        return spec(name, TensorSpec.Usage.INPUT, type, shape);
    }

    static TensorSpec out(String name, DataType type, long... shape) {
        return spec(name, TensorSpec.Usage.OUTPUT, type, shape);
    }

    /**
     * A model that only has specs: runs return zero-filled outputs of the declared sizes (for construction
     * tests and selection without a runtime). Counts its closes.
     */
    static class SpecModel implements Model {
        private final String name;
        private final List<TensorSpec> inputs;
        private final List<TensorSpec> outputs;
        final AtomicInteger closes = new AtomicInteger();

        SpecModel(String name, List<TensorSpec> inputs, List<TensorSpec> outputs) {
            this.name = name;
            this.inputs = List.copyOf(inputs);
            this.outputs = List.copyOf(outputs);
        }

        /** A [batch, sequence] int64 input_ids model with logits [batch, 2]. */
        static SpecModel text(long batch, long sequence) {
            return new SpecModel("b" + batch + "_s" + sequence,
                    List.of(in("input_ids", DataType.INT64, batch, sequence)),
                    List.of(out("logits", DataType.FLOAT32, batch, 2)));
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public List<TensorSpec> inputs() {
            return inputs;
        }

        @Override
        public List<TensorSpec> outputs() {
            return outputs;
        }

        @Override
        public Map<String, ByteBuffer> run(Map<String, ? extends ByteBuffer> values) {
            Map<String, ByteBuffer> result = new LinkedHashMap<>();
            for (TensorSpec s : outputs) {
                result.put(s.name(), ByteBuffer.allocateDirect((int) s.byteSize()).order(ByteOrder.nativeOrder()));
            }
            return result;
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    /**
     * Wraps a model, keeping a copy of the inputs of every run, and optionally reporting its outputs as a
     * TorchScript model does: type UNKNOWN, no shape, size 0, named output0, output1, ...
     */
    static final class RecordingModel implements Model {
        private final Model model;
        private final boolean torchLike;
        final List<Map<String, ByteBuffer>> runs = new ArrayList<>();

        RecordingModel(Model model, boolean torchLike) {
            this.model = model;
            this.torchLike = torchLike;
        }

        @Override
        public String name() {
            return model.name();
        }

        @Override
        public List<TensorSpec> inputs() {
            return model.inputs();
        }

        @Override
        public List<TensorSpec> outputs() {
            if (!torchLike) {
                return model.outputs();
            }
            List<TensorSpec> unknown = new ArrayList<>();
            for (int i = 0; i < model.outputs().size(); i++) {
                unknown.add(new TensorSpec("output" + i, TensorSpec.Usage.OUTPUT, DataType.UNKNOWN, new long[0], 0));
            }
            return unknown;
        }

        @Override
        public synchronized Map<String, ByteBuffer> run(Map<String, ? extends ByteBuffer> values) {
            Map<String, ByteBuffer> copy = new LinkedHashMap<>();
            values.forEach((k, v) -> {
                ByteBuffer c = ByteBuffer.allocate(v.remaining()).order(ByteOrder.nativeOrder());
                c.put(v.duplicate()).flip();
                copy.put(k, c);
            });
            runs.add(copy);
            Map<String, ByteBuffer> result = model.run(values);
            if (!torchLike) {
                return result;
            }
            Map<String, ByteBuffer> renamed = new LinkedHashMap<>();
            int i = 0;
            for (ByteBuffer b : result.values()) {
                renamed.put("output" + i++, b);
            }
            return renamed;
        }

        /** {@return the int64 values input {@code name} had in run {@code index}} */
        synchronized long[] longsOf(int index, String name) {
            ByteBuffer b = runs.get(index).get(name).duplicate().order(ByteOrder.nativeOrder());
            long[] v = new long[b.remaining() / 8];
            b.asLongBuffer().get(v);
            return v;
        }

        @Override
        public void close() {
            model.close();
        }
    }
}
