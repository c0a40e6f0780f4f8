package dev.neuron4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.neuron4j.NrtLibraryNotFoundException;
import dev.neuron4j.testing.ChildJvm;
import dev.neuron4j.testing.ChildProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where libnrt is looked for, and what the user is told when it is nowhere. */
class NativeLibraryTest {
    @Test
    void loadsTheLibraryNamedBySystemProperty() throws Exception {
        Path expected = Paths.get(System.getProperty(NativeLibrary.PATH_PROPERTY), NativeLibrary.LIBRARY_FILE);
        String loaded = NativeLibrary.load();
        assertEquals(expected.toAbsolutePath().toString(), loaded);
        // Loading again is a no-op returning the same file.
        assertEquals(loaded, NativeLibrary.load());
    }

    @Test
    void notFoundListsEveryPlaceAndTheRuntimePackage(@TempDir Path empty) throws Exception {
        assumeFalse(Files.exists(Paths.get(NativeLibrary.NEURON_LIB_DIR, NativeLibrary.LIBRARY_FILE)),
                "a real Neuron runtime is installed");
        Map<String, String> env = new HashMap<>();
        env.put("LD_LIBRARY_PATH", null);
        env.put(NativeLibrary.PATH_ENV, null);
        ChildJvm.Result r = ChildJvm.run(ChildProbe.class, env,
                Map.of(NativeLibrary.PATH_PROPERTY, empty.toString()), "load");
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(NrtLibraryNotFoundException.class.getName(), r.value("exception"), r::toString);
        String message = r.stdout().substring(r.stdout().indexOf("message-begin"));
        assertTrue(message.contains(empty.resolve("libnrt.so.1").toString()), message);
        assertTrue(message.contains(NativeLibrary.PATH_ENV), message);
        assertTrue(message.contains("/opt/aws/neuron/lib/libnrt.so.1"), message);
        assertTrue(message.contains("system loader path"), message);
        assertTrue(message.contains("aws-neuronx-runtime-lib"), message);
        assertTrue(message.contains("emulator"), message);
    }
}
