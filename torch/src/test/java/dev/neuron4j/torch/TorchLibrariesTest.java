package dev.neuron4j.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The optional native pieces: PyTorch on the classpath, the torch-neuronx plugin file. */
class TorchLibrariesTest {
    @TempDir
    Path dir;

    @Test
    void versionsComeFromTheJarsOnTheClasspath() {
        assertTrue(TorchLibraries.isPyTorchAvailable());
        assertEquals(TorchLibraries.expectedPyTorchVersion(), TorchLibraries.pyTorchVersion());
        assertTrue(TorchLibraries.pyTorchVersion().startsWith(TorchLibraries.libtorchVersion() + "-"));
        TorchLibraries.load();
        assertTrue(TorchLibraries.neuronLibrary().isEmpty(), "no plugin configured in the test JVM");
    }

    @Test
    void neuronLibraryThatDoesNotExistIsNamedWithWhereItCameFrom() {
        Path missing = dir.resolve("libtorchneuron.so");
        TorchLibraryException e = assertThrows(TorchLibraryException.class,
                () -> TorchLibraries.loadNeuronLibrary(missing.toString(), "system property x"));
        assertTrue(e.getMessage().contains(missing + " (from system property x) does not exist"), e.getMessage());
    }

    @Test
    void neuronLibraryThatFailsToLoadSaysWhichLibtorchNeuron4jCarries() throws Exception {
        TorchLibraries.load();
        Path bogus = Files.writeString(dir.resolve("libtorchneuron.so"), "not an ELF file");
        TorchLibraryException e = assertThrows(TorchLibraryException.class,
                () -> TorchLibraries.loadNeuronLibrary(bogus.toString(), "environment variable y"));
        String m = e.getMessage();
        assertTrue(m.contains(bogus + " (from environment variable y) failed to load"), m);
        assertTrue(m.contains("libtorch " + TorchLibraries.libtorchVersion())
                && m.contains("org.bytedeco:pytorch:" + TorchLibraries.pyTorchVersion()), m);
        assertTrue(m.contains("2.7.1-1.5.12"), m);
        assertTrue(e.getCause() instanceof UnsatisfiedLinkError);
    }

    @Test
    void neuronLibraryWithAnUndefinedSymbolReportsTheSymbol() throws Exception {
        // What a torch-neuronx plugin built for another libtorch (or ABI) looks like: an ELF library whose
        // data reference to a libtorch symbol cannot be bound. Needs a C compiler (the build has one).
        Path source = Files.writeString(dir.resolve("plugin.c"),
                "extern int neuron4j_test_missing_symbol;\nint plugin(void) { return neuron4j_test_missing_symbol; }\n");
        Path library = dir.resolve("libtorchneuron.so");
        Process cc = new ProcessBuilder("cc", "-shared", "-fPIC", "-o", library.toString(), source.toString())
                .redirectErrorStream(true).start();
        String ccOutput = new String(cc.getInputStream().readAllBytes());
        Assumptions.assumeTrue(cc.waitFor() == 0, "cc failed: " + ccOutput);
        TorchLibraries.load();
        TorchLibraryException e = assertThrows(TorchLibraryException.class,
                () -> TorchLibraries.loadNeuronLibrary(library.toString(), "test"));
        assertTrue(e.getMessage().contains("undefined symbol: neuron4j_test_missing_symbol")
                && e.getMessage().contains("version or ABI mismatch"), e.getMessage());
    }

    @Test
    void configuredNeuronLibraryIsLoadedBeforeTheFirstModel() throws Exception {
        Path bogus = Files.writeString(dir.resolve("libtorchneuron.so"), "not an ELF file");
        TorchChild.Result child = TorchChild.run(entry -> false,
                List.of("-D" + TorchLibraries.NEURON_LIBRARY_PROPERTY + "=" + bogus), "load",
                dir.resolve("model.pt").toString());
        assertEquals(TorchLibraryException.class.getName(), child.value("exception"), child.toString());
        assertTrue(child.value("message").contains("(from system property " + TorchLibraries.NEURON_LIBRARY_PROPERTY
                + ") failed to load"), child.toString());
    }

    @Test
    void withoutPyTorchOnTheClasspathTheErrorNamesTheDependencies() throws Exception {
        TorchChild.Result child = TorchChild.run(entry -> entry.contains("pytorch"), List.of(), "load",
                dir.resolve("model.pt").toString());
        assertEquals(TorchLibraryException.class.getName(), child.value("exception"), child.toString());
        String m = child.value("message");
        assertTrue(m.contains("org.bytedeco:pytorch:" + TorchLibraries.expectedPyTorchVersion())
                && m.contains(":linux-x86_64") && m.contains("org.bytedeco:openblas:0.3."), m);
    }
}
