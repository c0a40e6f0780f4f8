package dev.neuron4j.cli.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuron4j.DataType;
import dev.neuron4j.cli.Cli;
import dev.neuron4j.testkit.EmulatorNeff;
import dev.neuron4j.torch.TorchTestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code inspect}: NEFF and TorchScript files without a runtime, and files that are neither. */
class InspectCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void compiledNeffAsJson() throws Exception {
        Cli.Result r = Cli.run("inspect", "--json", Cli.neffDir().resolve("matmul_small.neff").toString());
        assertEquals(0, r.code(), r::toString);
        JsonNode j = JSON.readTree(r.out());
        assertEquals("neff", j.get("format").asText());
        assertEquals("2.0", j.get("neff_version").asText());
        assertEquals("[\"sg00\",\"sg01\"]", j.get("subgraphs").toString());
        JsonNode x = j.get("inputs").get(0);
        assertEquals("x", x.get("name").asText());
        assertEquals("float16", x.get("dtype").asText());
        assertEquals("[128,256]", x.get("shape").toString());
        assertEquals(65536, x.get("bytes").asLong());
        assertEquals("output0", j.get("outputs").get(0).get("name").asText());
        assertEquals("", r.err(), "inspect opens no runtime");
    }

    @Test
    void emulatorNeffAsText(@TempDir Path dir) throws Exception {
        Path neff = EmulatorNeff.builder().name("bert.neff").input("input_ids", DataType.INT32, 1, 128)
                .output("logits", DataType.FLOAT32, 1, 2).op(EmulatorNeff.Op.NOOP).execMicros(1000)
                .writeTo(dir.resolve("bert.neff"));
        Cli.Result r = Cli.run("inspect", neff.toString());
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("input_ids") && r.out().contains("int32") && r.out().contains("[1, 128]"),
                r.out());
        assertTrue(r.out().contains("exec_us=1000"), r.out());
    }

    @Test
    void torchScriptMethodsAndInputs(@TempDir Path dir) throws Exception {
        Path pt = TorchTestModels.pair(dir);
        Cli.Result r = Cli.run("inspect", "--json", pt.toString());
        assertEquals(0, r.code(), r::toString);
        JsonNode j = JSON.readTree(r.out());
        assertEquals("torchscript", j.get("format").asText());
        assertTrue(j.get("methods").toString().contains("forward"), r.out());
        assertEquals("a", j.get("inputs").get(0).get("name").asText());
        assertEquals("Tensor", j.get("inputs").get(0).get("type").asText());
        assertEquals("alpha", j.get("inputs").get(2).get("name").asText());
        assertTrue(j.get("inputs").get(2).get("has_default").asBoolean());
        assertEquals(2, j.get("outputs").size());
        assertEquals("output1", j.get("outputs").get(1).get("name").asText());
        Cli.Result text = Cli.run("inspect", pt.toString());
        assertEquals(0, text.code(), text::toString);
        assertTrue(text.out().contains("record no shapes"), text.out());
    }

    @Test
    void filesThatAreNotModelsFailInOneLine(@TempDir Path dir) throws Exception {
        byte[] neff = Files.readAllBytes(Cli.neffDir().resolve("matmul_small.neff"));
        Path truncated = Files.write(dir.resolve("truncated.neff"), Arrays.copyOf(neff, neff.length / 2));
        Path header = Files.write(dir.resolve("header.neff"), Arrays.copyOf(neff, 600));
        Path text = Files.writeString(dir.resolve("notes.neff"), "hello, not a model\n");
        Path empty = Files.write(dir.resolve("empty.neff"), new byte[0]);
        Path zip = Files.write(dir.resolve("bad.pt"), new byte[] {'P', 'K', 3, 4, 0, 0, 0});
        Cli.assertFails(Cli.run("inspect", truncated.toString()), "truncated.neff");
        Cli.assertFails(Cli.run("inspect", header.toString()), "header.neff");
        Cli.assertFails(Cli.run("inspect", text.toString()), "is not a NEFF");
        Cli.assertFails(Cli.run("inspect", empty.toString()), "is empty");
        Cli.assertFails(Cli.run("inspect", dir.resolve("missing.neff").toString()), "no such file");
        Cli.assertFails(Cli.run("inspect", dir.toString()), "is a directory");
        Cli.assertFails(Cli.run("inspect", zip.toString()), "bad.pt");
    }
}
