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
        // Internal code reports with its own exception; the API turns it into its own, with the same message.
        assertEquals(LibraryNotFoundException.class.getName(), r.value("exception"), r::toString);
        assertEquals(NrtLibraryNotFoundException.class.getName(), r.value("openException"), r::toString);
        assertEquals("true", r.value("sameMessage"), r::toString);
        String message = r.stdout().substring(r.stdout().indexOf("message-begin"));
        assertTrue(message.contains(empty.resolve("libnrt.so.1").toString()), message);
        assertTrue(message.contains(NativeLibrary.PATH_ENV), message);
        assertTrue(message.contains("/opt/aws/neuron/lib/libnrt.so.1"), message);
        assertTrue(message.contains("system loader path"), message);
        assertTrue(message.contains("aws-neuronx-runtime-lib"), message);
        assertTrue(message.contains("emulator"), message);
    }

    @Test
    void locateFindsWithoutLoadingInSearchOrder(@TempDir Path dir) throws Exception {
        Path configured = Files.createDirectories(dir.resolve("configured"));
        Path opt = Files.createDirectories(dir.resolve("opt"));
        Path ld = Files.createDirectories(dir.resolve("ld"));
        Path none = dir.resolve("none");
        Path cache = dir.resolve("ld.so.cache");
        assertEquals(java.util.Optional.empty(), NativeLibrary.locate(null, null, opt, null, cache));

        Files.createFile(ld.resolve(NativeLibrary.LIBRARY_FILE));
        assertEquals(ld.resolve(NativeLibrary.LIBRARY_FILE),
                NativeLibrary.locate(null, "", opt, "/nonexistent::" + ld, cache).orElseThrow());
        Files.createFile(opt.resolve(NativeLibrary.LIBRARY_FILE));
        assertEquals(opt.resolve(NativeLibrary.LIBRARY_FILE),
                NativeLibrary.locate(null, none.toString(), opt, ld.toString(), cache).orElseThrow());
        Files.createFile(configured.resolve(NativeLibrary.LIBRARY_FILE));
        assertEquals(configured.resolve(NativeLibrary.LIBRARY_FILE),
                NativeLibrary.locate(null, configured.toString(), opt, ld.toString(), cache).orElseThrow());
        // The property beats the environment variable.
        assertEquals(opt.resolve(NativeLibrary.LIBRARY_FILE),
                NativeLibrary.locate(none.toString(), configured.toString(), opt, null, cache).orElseThrow());
    }

    @Test
    void locateReadsTheLdCacheStringTable(@TempDir Path dir) throws Exception {
        Path lib = Files.createDirectories(dir.resolve("lib")).resolve(NativeLibrary.LIBRARY_FILE);
        Path cache = dir.resolve("ld.so.cache");
        byte[] junk = {'g', 'l', 'i', 'b', 'c', '-', 'l', 'd', 0, 1, 2, 0};
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.write(junk);
        b.write("libnrt.so.1\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.write((lib + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Files.write(cache, b.toByteArray());
        Path missing = dir.resolve("missing");
        // Recorded but absent: not found.
        assertEquals(java.util.Optional.empty(), NativeLibrary.locate(null, null, missing, null, cache));
        Files.createFile(lib);
        assertEquals(lib, NativeLibrary.locate(null, null, missing, null, cache).orElseThrow());
    }
}
