package dev.neuron4j.cli.serve;

import dev.neuron4j.serve.TensorMetadata;
import dev.neuron4j.serve.V2Datatype;
import java.util.Arrays;
import picocli.CommandLine;

/**
 * Parses {@code --input NAME:DATATYPE:SHAPE}, e.g. {@code x:FP32:8,4}: one input of a TorchScript file, with a v2
 * datatype and its full shape (the first dimension the batch).
 */
public final class InputDeclarationConverter implements CommandLine.ITypeConverter<TensorMetadata> {
    /** Used by picocli ({@code converter = InputDeclarationConverter.class}). */
    public InputDeclarationConverter() {}

    @Override
    public TensorMetadata convert(String value) {
        String[] parts = value.split(":", -1);
        if (parts.length != 3 || parts[0].isEmpty()) {
            throw invalid(value, "use NAME:DATATYPE:SHAPE, e.g. x:FP32:8,4");
        }
        V2Datatype type = V2Datatype.parse(parts[1]).orElseThrow(() -> invalid(value, "the datatype must be one of "
                + Arrays.toString(V2Datatype.values())));
        String[] dims = parts[2].split(",", -1);
        long[] shape = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            try {
                shape[i] = Long.parseLong(dims[i].trim());
            } catch (NumberFormatException e) {
                shape[i] = 0;
            }
            if (shape[i] < 1) {
                throw invalid(value, "the shape must be dimensions of at least 1, comma-separated, e.g. 8,4");
            }
        }
        return new TensorMetadata(parts[0], type, shape);
    }

    private static CommandLine.TypeConversionException invalid(String value, String why) {
        return new CommandLine.TypeConversionException("'" + value + "' is not an input declaration: " + why);
    }
}
