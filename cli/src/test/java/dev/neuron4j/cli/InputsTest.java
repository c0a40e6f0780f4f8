package dev.neuron4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neuron4j.DataType;
import dev.neuron4j.TensorSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inputs hands the model the buffer the .npy file was read into: checked, not copied again. */
class InputsTest {
    @Test
    void givenArraysReachTheModelWithoutAnotherCopy(@TempDir Path dir) throws IOException {
        Path a = Cli.floats(dir.resolve("a.npy"), new long[] {4}, 1, 2, 3, 4);
        TensorSpec spec = new TensorSpec("a", TensorSpec.Usage.INPUT, DataType.FLOAT32, new long[] {4}, 16);
        var arrays = Inputs.read(Map.of("a", a));
        ByteBuffer given = Inputs.forModel("add.neff", List.of(spec), arrays, Map.of("a", a), false).get("a");
        assertTrue(given.isDirect());
        assertEquals(ByteOrder.nativeOrder(), given.order());
        assertEquals(16, given.remaining());
        // A view of the array's own buffer: a change to one shows in the other.
        arrays.get("a").data().putFloat(0, 42f);
        assertEquals(42f, given.getFloat(0));
    }
}
