package dev.neuron4j.cli.run;

import dev.neuron4j.DataType;
import dev.neuron4j.NeffModel;
import dev.neuron4j.NeuronRuntime;
import dev.neuron4j.Placement;
import dev.neuron4j.TensorSpec;
import dev.neuron4j.cli.BaseCommand;
import dev.neuron4j.cli.CliException;
import dev.neuron4j.cli.ExitCodes;
import dev.neuron4j.cli.Inputs;
import dev.neuron4j.cli.ModelFile;
import dev.neuron4j.cli.TorchFiles;
import dev.neuron4j.neff.NeffFile;
import dev.neuron4j.npy.Npy;
import dev.neuron4j.npy.NpyArray;
import dev.neuron4j.torch.TorchScriptModel;
import dev.neuron4j.torch.TorchScriptResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code neuron4j run FILE --input NAME=PATH.npy ... --output-dir DIR}: one execution, inputs and outputs as
 * NumPy files.
 */
@Command(name = "run", description = {"Run a model once on .npy inputs and write every output to DIR/NAME.npy.",
        "NEFF outputs are named as in the NEFF (characters other than letters, digits, '.', '_' and '-' become "
                + "'_'); TorchScript outputs are output0.npy, output1.npy, ... in forward's order.",
        "bfloat16 and fp8 tensors have no NumPy dtype: they are read and written as their raw bits (uint16, uint8)."})
public final class RunCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "FILE", description = "A .neff or TorchScript (.pt) file.")
    Path file;

    @Option(names = {"-i", "--input"}, paramLabel = "NAME=PATH.npy", description = "An input (repeat for each "
            + "input). TorchScript inputs are named by forward's arguments; their shapes and types come from the "
            + "files.")
    Map<String, Path> inputs = new LinkedHashMap<>();

    @Option(names = {"-o", "--output-dir"}, required = true, paramLabel = "DIR",
            description = "Where to write the outputs (created if missing).")
    Path outputDir;

    @Option(names = "--core", paramLabel = "N", defaultValue = "0",
            description = "The visible NeuronCore to run on (NEFF only; default ${DEFAULT-VALUE}).")
    int core;

    @Option(names = "--random-inputs", description = "Fill inputs not given with random data (NEFF only: "
            + "TorchScript files record no shapes).")
    boolean randomInputs;

    @Override
    protected int execute() throws Exception {
        ModelFile kind = ModelFile.detect(file);
        Map<String, NpyArray> arrays = Inputs.read(inputs);
        if (kind == ModelFile.NEFF) {
            runNeff(arrays);
        } else {
            runTorch(arrays);
        }
        return ExitCodes.OK;
    }

    private void runNeff(Map<String, NpyArray> arrays) throws IOException {
        NeffFile.read(file); // a clear message for a malformed file, before any runtime
        if (core < 0) {
            throw new CliException("--core must be >= 0, got " + core);
        }
        try (NeuronRuntime runtime = openRuntime()) {
            if (core >= runtime.visibleCores()) {
                throw new CliException("core " + core + " is not visible: this process owns " + runtime.visibleCores()
                        + " core(s), 0 to " + (runtime.visibleCores() - 1));
            }
            try (NeffModel model = runtime.load(file, Placement.core(core))) {
                // The inputs are checked once, against the loaded model, and written to it from their buffers.
                Map<String, ByteBuffer> in = Inputs.forModel(model.name(), model.inputs(), arrays, inputs,
                        randomInputs);
                long start = System.nanoTime();
                Map<String, ByteBuffer> outputs = model.run(in);
                long micros = (System.nanoTime() - start) / 1000;
                Files.createDirectories(outputDir);
                for (TensorSpec spec : model.outputs()) {
                    write(spec.name(), spec.dataType(), spec.shape(), outputs.get(spec.name()));
                }
                out().printf("ran %s on core %d%s in %d us%n", model.name(), core,
                        runtime.isEmulated() ? " (emulated)" : "", micros);
            }
        }
    }

    private void runTorch(Map<String, NpyArray> arrays) throws IOException {
        if (randomInputs) {
            throw new CliException("--random-inputs needs input shapes, which TorchScript files do not record: give "
                    + "every input of forward as --input NAME=PATH.npy");
        }
        if (core != 0) {
            throw new CliException("--core applies to NEFF files; TorchScript files run through libtorch");
        }
        try (TorchScriptModel model = TorchFiles.load(file, arrays)) {
            Map<String, ByteBuffer> in = Inputs.forModel(model.name(), model.inputs(), arrays, inputs, false);
            long start = System.nanoTime();
            try (TorchScriptResult result = model.forward(in)) {
                long micros = (System.nanoTime() - start) / 1000;
                Files.createDirectories(outputDir);
                List<TensorSpec> specs = result.specs();
                for (int i = 0; i < specs.size(); i++) {
                    TensorSpec spec = specs.get(i);
                    write(spec.name(), spec.dataType(), spec.shape(), result.view(i));
                }
                out().printf("ran %s (TorchScript, libtorch) in %d us%n", model.name(), micros);
            }
        }
    }

    private void write(String name, DataType type, long[] shape, ByteBuffer data) throws IOException {
        ByteBuffer bytes = data.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN);
        if (data.isDirect() && bytes.position() == bytes.limit()) {
            bytes.position(0);
        }
        NpyArray array;
        String note = "";
        if (type == DataType.UNKNOWN || type.byteSize() == 0) {
            array = new NpyArray(DataType.UINT8, new long[] {bytes.remaining()}, bytes);
            note = " (element type unknown: raw bytes)";
        } else {
            DataType stored = Npy.rawBitsType(type);
            long[] dims = shape.length == 0 && bytes.remaining() != type.byteSize()
                    ? new long[] {bytes.remaining() / type.byteSize()} : shape;
            array = new NpyArray(stored, dims, bytes);
            if (stored != type) {
                note = " (" + type.neffName() + " as raw bits)";
            }
        }
        Path target = outputDir.resolve(fileName(name) + ".npy");
        Npy.write(target, array);
        out().printf("wrote %s  %s%s%n", target, type == DataType.UNKNOWN ? array.describe()
                : type.neffName() + java.util.Arrays.toString(array.shape()), note);
    }

    static String fileName(String tensorName) {
        String s = tensorName.replaceAll("[^A-Za-z0-9._-]", "_");
        return s.isEmpty() || s.startsWith(".") ? "_" + s : s;
    }
}
