package dev.neuron4j.torch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Optional;
import java.util.Properties;
import org.bytedeco.javacpp.Loader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and loads the native libraries behind {@link TorchScriptModel}: libtorch (from the JavaCPP PyTorch
 * jars, which the {@code neuron4j-torch} artifact brings) and, optionally, the torch-neuronx plugin
 * {@code libtorchneuron.so}.
 *
 * <p>{@link TorchScriptModel#load} calls {@link #load()} itself; call it directly only to fail early or to
 * time the first-use extraction (JavaCPP unpacks about 445 MB of natives to {@code ~/.javacpp/cache}, or to
 * {@code -Dorg.bytedeco.javacpp.cachedir=DIR}, on the first run; see docs/torchscript.md).
 *
 * <p>The plugin is loaded right after libtorch, once per JVM, from the file named by the system property
 * {@value #NEURON_LIBRARY_PROPERTY}, else by the environment variable {@value #NEURON_LIBRARY_ENV}. Without
 * either, no plugin is loaded and models that use {@code neuron::} operators fail to load with a message
 * that says so. The plugin must be built for exactly the libtorch version and C++ ABI that neuron4j carries
 * ({@link #libtorchVersion()}): torch-neuronx exists for torch 2.7, which pairs with neuron4j's
 * {@code torch-2.7} build ({@code org.bytedeco:pytorch:2.7.1-1.5.12}).
 *
 * <p>Thread-safe: loading is synchronized and happens once.
 */
public final class TorchLibraries {
    /** System property naming the torch-neuronx plugin file, {@code .../torch_neuronx/lib/libtorchneuron.so}. */
    public static final String NEURON_LIBRARY_PROPERTY = "neuron4j.torch.neuronLibrary";
    /** Environment variable naming the torch-neuronx plugin file (used when the property is not set). */
    public static final String NEURON_LIBRARY_ENV = "NEURON4J_TORCH_NEURON_LIB";

    /** The Maven dependencies that bring libtorch, as a user adds them (shown in error messages). */
    static final String DEPENDENCY_HINT = "add org.bytedeco:pytorch:" + expectedPyTorchVersion()
            + " and org.bytedeco:pytorch:" + expectedPyTorchVersion() + ":linux-x86_64 (classifier), plus "
            + "org.bytedeco:openblas:" + buildProperty("openblas.version") + ":linux-x86_64, to the classpath; "
            + "dev.neuron4j:neuron4j-torch brings them (see docs/torchscript.md)";

    private static final Logger LOG = LoggerFactory.getLogger(TorchLibraries.class);
    private static final String PROBE_CLASS = "org.bytedeco.pytorch.global.torch";

    private static boolean loaded;
    private static Path neuronLibrary;

    private TorchLibraries() {}

    /**
     * {@return whether the JavaCPP PyTorch classes are on the classpath} Loads no native code.
     */
    public static boolean isPyTorchAvailable() {
        try {
            Class.forName(PROBE_CLASS, false, TorchLibraries.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * Checks that the JavaCPP PyTorch classes are on the classpath, without loading native code.
     *
     * @throws TorchLibraryException if they are not; the message names the dependencies to add
     */
    public static void requirePyTorch() {
        if (!isPyTorchAvailable()) {
            throw new TorchLibraryException("TorchScript support needs JavaCPP PyTorch, which is not on the "
                    + "classpath (class " + PROBE_CLASS + " not found): " + DEPENDENCY_HINT + ".");
        }
    }

    /**
     * Loads libtorch and then, if configured, the torch-neuronx plugin. Does nothing after the first success.
     *
     * @throws TorchLibraryException if PyTorch is not on the classpath, libtorch does not load, or the
     *     configured plugin does not exist or does not load
     */
    public static synchronized void load() {
        if (loaded) {
            return;
        }
        requirePyTorch();
        long start = System.nanoTime();
        try {
            TorchNatives.loadLibtorch();
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            throw new TorchLibraryException("libtorch (org.bytedeco:pytorch:" + pyTorchVersion()
                    + ") did not load: " + e.getMessage() + ". The natives come from the linux-x86_64 "
                    + "classifier jar: " + DEPENDENCY_HINT + ".", e);
        }
        LOG.info("Loaded libtorch {} (org.bytedeco:pytorch:{}) in {} ms", libtorchVersion(), pyTorchVersion(),
                (System.nanoTime() - start) / 1_000_000);
        String property = System.getProperty(NEURON_LIBRARY_PROPERTY);
        String env = System.getenv(NEURON_LIBRARY_ENV);
        if (property != null && !property.isBlank()) {
            neuronLibrary = loadNeuronLibrary(property, "system property " + NEURON_LIBRARY_PROPERTY);
        } else if (env != null && !env.isBlank()) {
            neuronLibrary = loadNeuronLibrary(env, "environment variable " + NEURON_LIBRARY_ENV);
        }
        loaded = true;
    }

    /**
     * Sets libtorch's intra-op threads and OpenBLAS's threads (libtorch's BLAS here: matrix products run on its
     * own thread pool), for the whole process ({@code torch.set_num_threads}, {@code blas_set_num_threads}): the
     * threads one call may use for one operator. Loads libtorch first. Calls that run concurrently from several threads each
     * use up to this many, so a server with N concurrent calls on C CPUs wants about C / N to avoid
     * oversubscription (OpenMP threads spinning against each other).
     *
     * @param threads one or more
     * @throws IllegalArgumentException if {@code threads} is less than 1
     * @throws TorchLibraryException as {@link #load()}
     */
    public static synchronized void setIntraOpThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("intra-op threads must be 1 or more, not " + threads);
        }
        load();
        org.bytedeco.pytorch.global.torch.set_num_threads(threads);
        org.bytedeco.openblas.presets.openblas_nolapack.blas_set_num_threads(threads);
    }

    /**
     * {@return libtorch's intra-op threads ({@code torch.get_num_threads}); loads libtorch first}
     *
     * @throws TorchLibraryException as {@link #load()}
     */
    public static synchronized int intraOpThreads() {
        load();
        return org.bytedeco.pytorch.global.torch.get_num_threads();
    }

    /**
     * {@return the torch-neuronx plugin loaded by {@link #load()}, or empty if none was configured (or
     * {@link #load()} has not run yet)}
     */
    public static synchronized Optional<Path> neuronLibrary() {
        return Optional.ofNullable(neuronLibrary);
    }

    /**
     * {@return the version of the JavaCPP PyTorch artifact on the classpath, such as {@code 2.10.0-1.5.13},
     * or the version neuron4j was built against if the jar does not say}
     */
    public static String pyTorchVersion() {
        try {
            String version = Loader.getVersion("org.bytedeco", "pytorch", TorchLibraries.class);
            if (version != null) {
                return version;
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("Could not read the org.bytedeco:pytorch version", e);
        }
        return expectedPyTorchVersion();
    }

    /** {@return the libtorch version neuron4j carries, such as {@code 2.10.0}: the part before the dash} */
    public static String libtorchVersion() {
        String version = pyTorchVersion();
        int dash = version.indexOf('-');
        return dash < 0 ? version : version.substring(0, dash);
    }

    /** The org.bytedeco:pytorch version this build of neuron4j was compiled and tested against. */
    static String expectedPyTorchVersion() {
        return buildProperty("pytorch.version");
    }

    /** {@return a value recorded at build time in build.properties, or "unknown"} */
    private static String buildProperty(String key) {
        Properties build = new Properties();
        try (InputStream in = TorchLibraries.class.getResourceAsStream("build.properties")) {
            if (in != null) {
                build.load(in);
            }
        } catch (IOException e) {
            LOG.debug("Could not read build.properties", e);
        }
        return build.getProperty(key, "unknown");
    }

    /**
     * Loads a torch-neuronx plugin file with {@link System#load}. libtorch must already be loaded (the
     * plugin's dependencies on libtorch, libtorch_cpu and libc10 are satisfied by their sonames).
     *
     * @param value the file, as configured
     * @param source where the value came from, for messages
     * @return the absolute path loaded
     * @throws TorchLibraryException if the file does not exist or does not load
     */
    static Path loadNeuronLibrary(String value, String source) {
        Path file = Paths.get(value.trim()).toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
            throw new TorchLibraryException("The torch-neuronx library " + file + " (from " + source
                    + ") does not exist. Point " + NEURON_LIBRARY_PROPERTY + " (or " + NEURON_LIBRARY_ENV
                    + ") at torch_neuronx/lib/libtorchneuron.so of a torch-neuronx install built for torch "
                    + libtorchVersion() + ", or unset it to run CPU-only TorchScript models.");
        }
        try {
            System.load(file.toString());
        } catch (UnsatisfiedLinkError e) {
            throw new TorchLibraryException("The torch-neuronx library " + file + " (from " + source
                    + ") failed to load: " + e.getMessage() + ". neuron4j carries libtorch " + libtorchVersion()
                    + " (org.bytedeco:pytorch:" + pyTorchVersion() + ", C++11 ABI); libtorchneuron.so must come "
                    + "from the torch-neuronx build for exactly that torch version and ABI (an undefined "
                    + "symbol usually means a version or ABI mismatch). torch-neuronx for torch 2.7 pairs "
                    + "with org.bytedeco:pytorch:2.7.1-1.5.12 (neuron4j's -Ptorch-2.7 build); see the versions "
                    + "table in docs/torchscript.md.", e);
        }
        LOG.info("Loaded torch-neuronx library {} (from {})", file, source);
        return file;
    }
}
