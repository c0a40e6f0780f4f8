package dev.neuron4j;

import dev.neuron4j.internal.Children;
import dev.neuron4j.internal.LibraryNotFoundException;
import dev.neuron4j.internal.NativeLibrary;
import dev.neuron4j.internal.NativeResource;
import dev.neuron4j.internal.Posix;
import dev.neuron4j.nrt.global.nrt;
import dev.neuron4j.nrt.nrt_instance_info_t;
import dev.neuron4j.nrt.nrt_version_t;
import dev.neuron4j.nrt.nrt_vnc_memory_stats_t;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.SizeTPointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Neuron Runtime of this process: the entry point of neuron4j. Open it once, load models, allocate
 * tensors, close it at the end.
 *
 * <pre>{@code
 * try (NeuronRuntime runtime = NeuronRuntime.open();
 *      NeffModel model = runtime.load(Path.of("model.neff"), Placement.core(1));
 *      Binding binding = model.newBinding()) {
 *     binding.input("x").write(0, inputBytes);
 *     binding.execute();
 *     binding.output("y").read(0, outputBytes);
 * }
 * }</pre>
 *
 * <h2>One per process</h2>
 * libnrt allows one runtime per process ({@code nrt_init} claims the cores exclusively). A second
 * {@link #open} while one is open fails with an {@link IllegalStateException} that says where the first one
 * was opened. After {@link #close()} a new one may be opened (with other options).
 *
 * <h2>Which libnrt</h2>
 * libnrt is found by {@code dev.neuron4j.internal.NativeLibrary}: {@link RuntimeOptions#libraryDirectory()},
 * then {@code -Dneuron4j.nrt.path} / {@code NEURON4J_NRT_PATH}, then {@code /opt/aws/neuron/lib}, then the
 * system loader path; it is loaded once per JVM. The kind is then checked against
 * {@link RuntimeOptions#kind()}, else {@code -Dneuron4j.runtime}, else {@code NEURON4J_RUNTIME}, else
 * {@link RuntimeKind#REAL}: the emulator is never used unless asked for.
 *
 * <h2>Configuration</h2>
 * The options' environment variables are set natively before {@code nrt_init} and restored at close (see
 * {@link RuntimeOptions}).
 *
 * <h2>Closing</h2>
 * {@link #close()} waits for in-flight loads and allocations, then frees whatever is still open: each model
 * closes its bindings (waiting for their running executions; their tensor sets are destroyed and the tensors
 * they allocated freed), then is unloaded; then the remaining tensors are freed; then {@code nrt_close}. What
 * was left open is logged at WARN. Every object of this runtime is unusable
 * afterwards ({@link IllegalStateException}). {@code close()} is idempotent. A runtime that is never closed
 * stays open until the JVM exits (no shutdown hook: it could free objects other threads still use).
 *
 * <h2>Thread safety</h2>
 * Thread-safe: every method may be called from any thread, concurrently with the others; {@code open} and
 * {@code close} are serialised by a process-wide lock.
 */
public final class NeuronRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NeuronRuntime.class);
    /** What the emulator writes into {@code nrt_version_t.rt_detail}. */
    static final String EMULATOR_DETAIL = "neuron4j libnrt emulator";
    private static final Object OPEN_LOCK = new Object();
    private static NeuronRuntime current; // guarded by OPEN_LOCK

    private final RuntimeResource resource;
    private final String library;
    private final RuntimeVersion version;
    private final boolean emulated;
    private final InstanceFamily family;
    private final int totalCores;
    private final int visibleCores;
    private final String openedAt;

    private NeuronRuntime(String library, RuntimeVersion version, boolean emulated, InstanceFamily family,
            int totalCores, int visibleCores, Map<String, String> savedEnv, String openedAt) {
        this.library = library;
        this.version = version;
        this.emulated = emulated;
        this.family = family;
        this.totalCores = totalCores;
        this.visibleCores = visibleCores;
        this.openedAt = openedAt;
        this.resource = new RuntimeResource(this, savedEnv);
    }

    /**
     * Opens the runtime with {@link RuntimeOptions#defaults()}.
     *
     * @return the runtime
     * @throws IllegalStateException if a runtime is already open, or the libnrt found is not of the kind asked
     * @throws NeuronException if {@code nrt_init} fails (e.g. the cores are owned by another process)
     * @throws NrtLibraryNotFoundException if no libnrt was found
     */
    public static NeuronRuntime open() {
        return open(RuntimeOptions.defaults());
    }

    /**
     * Opens the runtime.
     *
     * @param options cores, log level, timeout, libnrt directory, kind
     * @return the runtime
     * @throws IllegalStateException if a runtime is already open, or the libnrt found is not of the kind asked
     * @throws NeuronException if {@code nrt_init} fails (e.g. the cores are owned by another process)
     * @throws NrtLibraryNotFoundException if no libnrt was found
     */
    public static NeuronRuntime open(RuntimeOptions options) {
        Objects.requireNonNull(options, "options");
        synchronized (OPEN_LOCK) {
            if (current != null) {
                throw new IllegalStateException("A NeuronRuntime is already open in this process (opened "
                        + current.openedAt + "); libnrt allows one runtime per process: close it first");
            }
            RuntimeKind wanted = options.kind() != null ? options.kind() : RuntimeKind.configured();
            String library = loadLibrary(options.libraryDirectory());
            Posix.load();
            Map<String, String> saved = applyEnvironment(options.environment());
            boolean opened = false;
            try {
                RuntimeVersion version = readVersion();
                boolean emulated = version.detail().contains(EMULATOR_DETAIL);
                checkKind(wanted, emulated, library, version);
                int initStatus = nrt.nrt_init(nrt.NRT_FRAMEWORK_TYPE_NO_FW, "", "");
                NeuronException.check("nrt_init", initStatus, initContext(initStatus, library, options));
                NeuronRuntime runtime;
                try {
                    int total = count("nrt_get_total_vnc_count", true);
                    int visible = count("nrt_get_visible_vnc_count", false);
                    runtime = new NeuronRuntime(library, version, emulated, readFamily(), total, visible, saved,
                            caller());
                } catch (RuntimeException e) {
                    nrt.nrt_close();
                    throw e;
                }
                current = runtime;
                opened = true;
                LOG.debug("Opened the Neuron runtime {} ({}): {} of {} cores visible", version,
                        emulated ? "emulator" : "real", runtime.visibleCores, runtime.totalCores);
                return runtime;
            } finally {
                if (!opened) {
                    restoreEnvironment(saved);
                }
            }
        }
    }

    /** Loads libnrt; reports a missing one as the API's {@link NrtLibraryNotFoundException}, same message. */
    private static String loadLibrary(Path firstDirectory) {
        try {
            return NativeLibrary.load(firstDirectory);
        } catch (LibraryNotFoundException e) {
            throw new NrtLibraryNotFoundException(e.getMessage());
        }
    }

    /** What a failed nrt_init names: the library and options, and for NRT_RESOURCE the cores asked for. */
    private static String initContext(int status, String library, RuntimeOptions options) {
        String context = "libnrt " + library + (options.environment().isEmpty() ? "" : " with "
                + options.environment());
        if (status != NrtStatus.RESOURCE.code()) {
            return context;
        }
        String visible = Posix.getenvString("NEURON_RT_VISIBLE_CORES");
        String number = Posix.getenvString("NEURON_RT_NUM_CORES");
        String asked;
        if (visible != null) {
            asked = "cores " + visible + " (NEURON_RT_VISIBLE_CORES=" + visible + ")";
        } else if (number != null && !number.isEmpty()) {
            asked = number + " free contiguous core(s) (NEURON_RT_NUM_CORES=" + number + ")";
        } else {
            int[] total = new int[1];
            asked = nrt.nrt_get_total_vnc_count(total) == 0 && total[0] > 0
                    ? "all cores 0-" + (total[0] - 1) + " (NEURON_RT_VISIBLE_CORES and NEURON_RT_NUM_CORES unset)"
                    : "all cores (NEURON_RT_VISIBLE_CORES and NEURON_RT_NUM_CORES unset)";
        }
        return "the NeuronCores requested, " + asked + ", are not available: another process holds at least one"
                + " of them (libnrt gives each core to one process). Choose other cores with NEURON_RT_VISIBLE_CORES"
                + " (RuntimeOptions.builder().visibleCores(first, count)), or stop the other process; " + context;
    }

    private static Map<String, String> applyEnvironment(Map<String, String> env) {
        Map<String, String> saved = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : env.entrySet()) {
            saved.put(e.getKey(), Posix.getenvString(e.getKey()));
            if (Posix.setenv(e.getKey(), e.getValue(), 1) != 0) {
                String error = Posix.lastError();
                restoreEnvironment(saved);
                throw new IllegalArgumentException("setenv(" + e.getKey() + ") failed: " + error);
            }
            LOG.debug("Set {}={} for nrt_init", e.getKey(), e.getValue());
        }
        return saved;
    }

    private static void restoreEnvironment(Map<String, String> saved) {
        for (Map.Entry<String, String> e : saved.entrySet()) {
            if (e.getValue() == null) {
                Posix.unsetenv(e.getKey());
            } else {
                Posix.setenv(e.getKey(), e.getValue(), 1);
            }
        }
    }

    private static RuntimeVersion readVersion() {
        try (nrt_version_t v = new nrt_version_t()) {
            NeuronException.check("nrt_get_version", nrt.nrt_get_version(v, Loader.sizeof(nrt_version_t.class)),
                    "");
            return new RuntimeVersion(v.rt_major(), v.rt_minor(), v.rt_patch(), v.rt_maintenance(),
                    v.rt_detail().getString(), v.git_hash().getString());
        }
    }

    private static void checkKind(RuntimeKind wanted, boolean emulated, String library, RuntimeVersion version) {
        String found = (emulated ? "the neuron4j emulator" : "a real Neuron runtime") + " (" + library
                + ", version " + version + ")";
        switch (wanted) {
            case REAL:
                if (emulated) {
                    throw new IllegalStateException("A real Neuron runtime is required, but the libnrt found is "
                            + found + ". To use the emulator, open with RuntimeKind.EMULATOR or AUTO, or set -D"
                            + RuntimeKind.PROPERTY + "=emulator or " + RuntimeKind.ENV + "=emulator");
                }
                break;
            case EMULATOR:
                if (!emulated) {
                    throw new IllegalStateException("The neuron4j emulator is required, but the libnrt found is "
                            + found + ". Point -D" + NativeLibrary.PATH_PROPERTY
                            + " at the emulator's directory (target/emu), or ask for RuntimeKind.REAL or AUTO");
                }
                break;
            default:
                LOG.info("Runtime kind auto: using {}", found);
        }
    }

    private static int count(String call, boolean total) {
        int[] n = new int[1];
        int status = total ? nrt.nrt_get_total_vnc_count(n) : nrt.nrt_get_visible_vnc_count(n);
        NeuronException.check(call, status, "");
        return n[0];
    }

    private static InstanceFamily readFamily() {
        try (nrt_instance_info_t info = new nrt_instance_info_t()) {
            int status = nrt.nrt_get_instance_info(info, Loader.sizeof(nrt_instance_info_t.class));
            if (status != 0) {
                LOG.debug("nrt_get_instance_info failed with {}: family unknown", NrtStatus.of(status));
                return InstanceFamily.UNKNOWN;
            }
            return InstanceFamily.of(info.family());
        }
    }

    private static String caller() {
        StackTraceElement[] stack = new Throwable().getStackTrace();
        for (StackTraceElement frame : stack) {
            if (!frame.getClassName().equals(NeuronRuntime.class.getName())) {
                return "by thread '" + Thread.currentThread().getName() + "' at " + frame;
            }
        }
        return "by thread '" + Thread.currentThread().getName() + "'";
    }

    // ---- information ----

    /** {@return the libnrt version} @throws IllegalStateException if closed */
    public RuntimeVersion version() {
        resource.ensureOpen();
        return version;
    }

    /** {@return whether this is the neuron4j emulator rather than a real Neuron runtime} */
    public boolean isEmulated() {
        return emulated;
    }

    /** {@return the libnrt file that was loaded} */
    public String libraryFile() {
        return library;
    }

    /** {@return the instance family, e.g. {@link InstanceFamily#INF2}} @throws IllegalStateException if closed */
    public InstanceFamily instanceFamily() {
        resource.ensureOpen();
        return family;
    }

    /** {@return all NeuronCores of the machine, visible to this process or not} */
    public int totalCores() {
        resource.ensureOpen();
        return totalCores;
    }

    /** {@return the cores this process owns; core indices in the API run from 0 to this minus 1} */
    public int visibleCores() {
        resource.ensureOpen();
        return visibleCores;
    }

    /**
     * Device memory of one core.
     *
     * @param core a visible core index
     * @return the memory in use and its limit
     * @throws IllegalArgumentException if {@code core} is not visible
     * @throws NeuronException if libnrt fails
     */
    public CoreMemory coreMemory(int core) {
        checkCore(core);
        resource.acquire();
        try (nrt_vnc_memory_stats_t stats = new nrt_vnc_memory_stats_t(); SizeTPointer out = new SizeTPointer(1)) {
            NeuronException.check("nrt_get_vnc_memory_stats", nrt.nrt_get_vnc_memory_stats(core, stats,
                    Loader.sizeof(nrt_vnc_memory_stats_t.class), out), "core " + core);
            return new CoreMemory(core, stats.bytes_used(), stats.bytes_limit());
        } finally {
            resource.release();
        }
    }

    /** {@return whether {@link #close()} has been called} */
    public boolean isClosed() {
        return resource.isClosed();
    }

    // ---- models ----

    /**
     * Loads a NEFF file, memory-mapped (the file is never read into the Java heap; files over 2 GiB work).
     *
     * @param neff the NEFF file
     * @param placement the core, or {@link Placement#auto()}
     * @return the model, named after the file
     * @throws IOException if the file cannot be opened or mapped
     * @throws NeuronException if {@code nrt_load} fails; the message names the file by its absolute path and,
     *     when libnrt refused the NEFF itself ({@link NrtStatus#INVALID}, {@link NrtStatus#UNSUPPORTED_NEFF_VERSION})
     *     and neuron4j's own NEFF reader can tell, says why, e.g. {@code NEFF header_size is 2048, expected 1024}
     * @throws IllegalArgumentException if the placement names a core that is not visible
     */
    public NeffModel load(Path neff, Placement placement) throws IOException {
        return NeffModel.load(this, neff, placement);
    }

    /**
     * Loads a NEFF from bytes (copied once to native memory for the load, then freed).
     *
     * @param neff the NEFF bytes
     * @param name the model's name, for messages
     * @param placement the core, or {@link Placement#auto()}
     * @return the model
     * @throws NeuronException if {@code nrt_load} fails (the message says why the NEFF was refused, as for a file)
     */
    public NeffModel load(byte[] neff, String name, Placement placement) {
        return NeffModel.load(this, ByteBuffer.wrap(neff), name, placement);
    }

    /**
     * Loads a NEFF from a buffer's remaining bytes: a direct buffer is passed without copying, a heap buffer
     * is copied once to native memory. The buffer's position is not changed.
     *
     * @param neff the NEFF bytes
     * @param name the model's name, for messages
     * @param placement the core, or {@link Placement#auto()}
     * @return the model
     * @throws NeuronException if {@code nrt_load} fails (the message says why the NEFF was refused, as for a file)
     */
    public NeffModel load(ByteBuffer neff, String name, Placement placement) {
        return NeffModel.load(this, neff, name, placement);
    }

    /**
     * Loads one NEFF file on cores {@code 0 .. count-1}, to serve calls from many threads.
     *
     * @param neff the NEFF file
     * @param count replicas, at most {@link #visibleCores()}
     * @return the replicas
     * @throws IOException if the file cannot be mapped
     */
    public ModelReplicas loadReplicas(Path neff, int count) throws IOException {
        return ModelReplicas.load(this, neff, count);
    }

    /**
     * Loads one NEFF file on every visible core.
     *
     * @param neff the NEFF file
     * @return the replicas
     * @throws IOException if the file cannot be mapped
     */
    public ModelReplicas loadReplicas(Path neff) throws IOException {
        return ModelReplicas.load(this, neff, visibleCores());
    }

    // ---- tensors ----

    /**
     * Allocates a tensor in the device memory of a core (zero-filled on the emulator).
     *
     * @param name a name, for messages and libnrt logs
     * @param byteSize its size (any {@code long} &gt; 0; 4 GiB and more work)
     * @param core a visible core index (use the model's {@link NeffModel#core()})
     * @return the tensor
     * @throws NeuronException if the allocation fails (e.g. {@link NrtStatus#RESOURCE})
     */
    public Tensor allocateTensor(String name, long byteSize, int core) {
        return allocateTensor(resource, name, byteSize, core);
    }

    /**
     * Wraps the remaining bytes of a caller's direct buffer as a tensor, without copying
     * ({@code nrt_tensor_allocate_empty} + {@code nrt_tensor_attach_buffer}). The tensor keeps the buffer
     * reachable; the buffer must not be used for anything else while the tensor is open.
     *
     * @param name a name, for messages
     * @param buffer a direct, writable buffer with at least one remaining byte
     * @return the tensor
     * @throws IllegalArgumentException for a heap, read-only or empty buffer
     */
    public Tensor wrap(String name, ByteBuffer buffer) {
        return Tensor.wrap(this, name, buffer, -1);
    }

    // ---- close ----

    /**
     * Closes the runtime: frees what is still open (WARN), then {@code nrt_close}, then restores the
     * environment variables the options set. Idempotent.
     */
    @Override
    public void close() {
        resource.closeForced();
    }

    @Override
    public String toString() {
        return "NeuronRuntime[" + version + (emulated ? ", emulator" : "") + ", " + visibleCores + "/"
                + totalCores + " cores" + (resource.isClosed() ? ", closed" : "") + "]";
    }

    // ---- package-private ----

    void acquire() {
        resource.acquire();
    }

    void release() {
        resource.release();
    }

    NativeResource resource() {
        return resource;
    }

    /** {@link #allocateTensor(String, long, int)}, adopted by {@code owner} (this runtime or a binding). */
    Tensor allocateTensor(NativeResource owner, String name, long byteSize, int core) {
        checkCore(core);
        return Tensor.allocate(this, owner, name, byteSize, core);
    }

    void checkCore(int core) {
        resource.ensureOpen();
        if (core < 0 || core >= visibleCores) {
            throw new IllegalArgumentException("Core " + core + " is not visible: this process owns "
                    + visibleCores + " core(s), numbered 0 to " + (visibleCores - 1));
        }
    }

    boolean usesLegacyDtypes() {
        return version.usesLegacyDtypes();
    }

    /**
     * The runtime's native state, the root of the ownership tree: its close closes the models (each first
     * closing its bindings, then unloading), then the tensors left, then calls {@code nrt_close}.
     */
    private static final class RuntimeResource extends NativeResource {
        private final NeuronRuntime runtime;
        private final Map<String, String> savedEnv;

        RuntimeResource(NeuronRuntime runtime, Map<String, String> savedEnv) {
            super("NeuronRuntime", "libnrt", null,
                    Children.closedInOrder(NeffModel.ModelResource.class, Tensor.TensorResource.class));
            this.runtime = runtime;
            this.savedEnv = savedEnv;
        }

        @Override
        protected void closing(List<String> open) {
            if (!open.isEmpty()) {
                LOG.warn("Closing the Neuron runtime with {} object(s) still open; freeing them: {}", open.size(),
                        open);
            }
        }

        @Override
        protected void free() {
            try {
                nrt.nrt_close();
            } finally {
                synchronized (OPEN_LOCK) {
                    restoreEnvironment(savedEnv);
                    if (current == runtime) {
                        current = null;
                    }
                }
            }
            LOG.debug("Closed the Neuron runtime");
        }
    }
}
