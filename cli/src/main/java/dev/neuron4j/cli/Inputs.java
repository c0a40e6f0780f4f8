package dev.neuron4j.cli;

import dev.neuron4j.DataType;
import dev.neuron4j.TensorSpec;
import dev.neuron4j.npy.Npy;
import dev.neuron4j.npy.NpyArray;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Model inputs from {@code --input NAME=PATH.npy} and {@code --random-inputs}, checked against the model's
 * inputs (names, element types, shapes) before anything runs.
 */
public final class Inputs {
    private Inputs() {}

    /**
     * Reads every {@code .npy} file, in the order given, each into one direct buffer ({@link Npy#read(java.nio.file.Path)}).
     *
     * @param files the {@code --input} files by input name, or null for none
     * @return the arrays by input name
     * @throws IOException if a file is missing, unreadable or not a {@code .npy} file neuron4j reads
     */
    public static Map<String, NpyArray> read(Map<String, Path> files) throws IOException {
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        if (files != null) {
            for (Map.Entry<String, Path> e : files.entrySet()) {
                arrays.put(e.getKey(), Npy.read(e.getValue()));
            }
        }
        return arrays;
    }

    /**
     * One direct, native-order buffer per model input: a view of the given array's buffer (its data is not
     * copied again), or random data when {@code random}. Each given array is checked here, once.
     *
     * @param model the model's name, for messages
     * @param specs the model's inputs
     * @param given the arrays by input name, as {@link #read} returns them (in direct buffers)
     * @param files the files they were read from by input name, for messages (null: name the inputs instead)
     * @param random whether inputs not given get random data (else they are an error)
     * @return one buffer per input, in the order of {@code specs}
     * @throws CliException for an unknown or missing name, or a type or shape that does not match
     */
    public static Map<String, ByteBuffer> forModel(String model, List<TensorSpec> specs, Map<String, NpyArray> given,
            Map<String, Path> files, boolean random) {
        List<String> names = specs.stream().map(TensorSpec::name).toList();
        for (String name : given.keySet()) {
            if (!names.contains(name)) {
                throw new CliException("model " + model + " has no input '" + name + "'; its inputs are " + names);
            }
        }
        Map<String, ByteBuffer> buffers = new LinkedHashMap<>();
        SplittableRandom rng = new SplittableRandom(42);
        for (TensorSpec spec : specs) {
            NpyArray a = given.get(spec.name());
            if (a == null) {
                if (!random) {
                    throw new CliException("input '" + spec.name() + "' of " + model + " (" + describe(spec)
                            + ") is missing: give --input " + spec.name() + "=PATH.npy, or --random-inputs");
                }
                buffers.put(spec.name(), random(spec, rng));
                continue;
            }
            String file = files == null ? spec.name() : String.valueOf(files.get(spec.name()));
            check(model, spec, a, file);
            buffers.put(spec.name(), a.data().duplicate().order(ByteOrder.nativeOrder()));
        }
        return buffers;
    }

    static void check(String model, TensorSpec spec, NpyArray a, String file) {
        DataType expected = Npy.rawBitsType(spec.dataType());
        boolean typeOk = spec.dataType() == DataType.UNKNOWN || a.dataType() == expected;
        boolean shapeOk = spec.rank() == 0 && spec.dataType() == DataType.UNKNOWN
                ? a.data().remaining() == spec.byteSize() : Arrays.equals(spec.shape(), a.shape());
        if (!typeOk || !shapeOk || a.data().remaining() != spec.byteSize()) {
            String rawNote = expected != spec.dataType() ? " (NumPy has no " + spec.dataType().neffName()
                    + ": give its raw bits as " + expected.neffName() + ")" : "";
            throw new CliException("input '" + spec.name() + "': " + model + " expects " + describe(spec)
                    + ", but " + file + " holds " + a.describe() + " (" + a.data().remaining() + " bytes)"
                    + rawNote);
        }
    }

    static String describe(TensorSpec spec) {
        return spec.dataType().neffName() + Arrays.toString(spec.shape()) + ", " + spec.byteSize() + " bytes";
    }

    /** Random data for an input: floats in [0, 1), integers in [0, 100), other types random bytes. */
    static ByteBuffer random(TensorSpec spec, SplittableRandom rng) {
        if (spec.byteSize() > Integer.MAX_VALUE - 8) {
            throw new CliException("input '" + spec.name() + "' is " + spec.byteSize() + " bytes: too large for "
                    + "--random-inputs (at most 2 GiB)");
        }
        ByteBuffer b = ByteBuffer.allocateDirect((int) spec.byteSize()).order(ByteOrder.nativeOrder());
        switch (spec.dataType()) {
            case FLOAT32: case FP32R:
                while (b.remaining() >= 4) {
                    b.putFloat((float) rng.nextDouble());
                }
                break;
            case FLOAT16:
                while (b.remaining() >= 2) {
                    b.putShort((short) (rng.nextInt(15) << 10 | rng.nextInt(1024))); // [0, 1)
                }
                break;
            case BFLOAT16:
                while (b.remaining() >= 2) {
                    b.putShort((short) (Float.floatToRawIntBits((float) rng.nextDouble()) >>> 16));
                }
                break;
            case INT8: case UINT8:
                while (b.hasRemaining()) {
                    b.put((byte) rng.nextInt(100));
                }
                break;
            case INT16: case UINT16:
                while (b.remaining() >= 2) {
                    b.putShort((short) rng.nextInt(100));
                }
                break;
            case INT32: case UINT32:
                while (b.remaining() >= 4) {
                    b.putInt(rng.nextInt(100));
                }
                break;
            case INT64: case UINT64:
                while (b.remaining() >= 8) {
                    b.putLong(rng.nextInt(100));
                }
                break;
            default:
                break;
        }
        while (b.hasRemaining()) {
            b.put((byte) rng.nextInt(256));
        }
        return b.flip();
    }
}
