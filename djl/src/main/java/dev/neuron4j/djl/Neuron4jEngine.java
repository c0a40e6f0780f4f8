package dev.neuron4j.djl;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.engine.StandardCapabilities;
import ai.djl.ndarray.NDManager;
import dev.neuron4j.NeuronRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A DJL {@link Engine} that runs NEFF models on NeuronCores through neuron4j. Named {@value #ENGINE_NAME}
 * ({@code Criteria.builder().optEngine("Neuron4j")}).
 *
 * <h2>Devices</h2>
 * Each NeuronCore visible to this process is a DJL device of type {@value #DEVICE_TYPE}: {@code Device.of("nc", i)}
 * (or {@code Device.fromName("nc1")}), where {@code i} is the core index relative to the visible cores, as in
 * {@link dev.neuron4j.Placement#core(int)}. {@link #getDevices()} lists them, {@link #defaultDevice()} is
 * {@code nc0}. Several cores are a {@code Device.MultiDevice} ({@code Device.fromName("nc0+nc1")}): a model
 * loaded there has one replica per core (see {@link Neuron4jModel}).
 *
 * <h2>The runtime</h2>
 * libnrt allows one runtime per process. The engine opens it ({@link NeuronRuntime#open()}: the options come
 * from system properties and environment variables, e.g. {@code -Dneuron4j.runtime=emulator}) on first need
 * (loading a model, listing devices, {@link #getVersion()}), and keeps it open for the life of the process, as
 * DJL engines are process-wide singletons; models and arrays free everything they hold when closed. An
 * application that opens the runtime itself hands it over with {@link #setRuntime} before the engine's first use.
 *
 * <h2>Operators</h2>
 * The engine runs whole NEFF models; NDArray operators (add, reshape, ...) are delegated to the
 * {@linkplain #getAlternativeEngine() alternative engine}, a full DJL engine (e.g. PyTorch) when one is on the
 * class path, and are unsupported otherwise.
 */
public final class Neuron4jEngine extends Engine {
    /** The engine's name for {@code Criteria.optEngine} and {@link Engine#getEngine(String)}. */
    public static final String ENGINE_NAME = "Neuron4j";
    /** The DJL device type of a NeuronCore: {@code Device.of("nc", core)}. */
    public static final String DEVICE_TYPE = "nc";
    /** Capability: NeuronCores are visible to this process ({@link #hasCapability}). */
    public static final String NEURON_CORE = "NEURON_CORE";
    /** System property that disables the alternative engine ({@code true}). */
    public static final String DISABLE_ALTERNATIVE = "ai.djl.neuron4j.disable_alternative";

    static final int RANK = 10;
    private static final Logger LOG = LoggerFactory.getLogger(Neuron4jEngine.class);

    private final String neuron4jVersion;
    private NeuronRuntime runtime; // guarded by this
    private Engine alternativeEngine; // guarded by this
    private boolean alternativeChecked; // guarded by this

    Neuron4jEngine() {
        neuron4jVersion = readVersion();
    }

    private static String readVersion() {
        try (InputStream in = Neuron4jEngine.class.getResourceAsStream("engine.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("neuron4j.version", "unknown");
            }
        } catch (IOException e) {
            LOG.debug("Could not read engine.properties", e);
        }
        return "unknown";
    }

    /** {@return the engine, {@code Engine.getEngine("Neuron4j")}} */
    public static Neuron4jEngine getInstance() {
        return (Neuron4jEngine) Engine.getEngine(ENGINE_NAME);
    }

    /**
     * The process's Neuron runtime, opened on first call with {@link NeuronRuntime#open()} unless one was
     * {@linkplain #setRuntime set}.
     *
     * @return the runtime
     * @throws EngineException if it cannot be opened (no libnrt, cores owned by another process, ...)
     */
    public synchronized NeuronRuntime getRuntime() {
        if (runtime == null || runtime.isClosed()) {
            try {
                runtime = NeuronRuntime.open();
            } catch (RuntimeException e) {
                throw new EngineException("The " + ENGINE_NAME + " engine could not open the Neuron runtime: "
                        + e.getMessage(), e);
            }
            LOG.info("{} engine opened {}", ENGINE_NAME, runtime);
        }
        return runtime;
    }

    /**
     * Makes the engine use a runtime the application opened (libnrt allows one per process). Call it before
     * the engine opens its own; the application keeps ownership (closes it after closing its DJL models).
     *
     * @param openRuntime an open runtime
     * @throws IllegalStateException if the engine already uses another open runtime
     */
    public synchronized void setRuntime(NeuronRuntime openRuntime) {
        Objects.requireNonNull(openRuntime, "openRuntime");
        if (openRuntime.isClosed()) {
            throw new IllegalArgumentException("The runtime is closed");
        }
        if (runtime != null && runtime != openRuntime && !runtime.isClosed()) {
            throw new IllegalStateException("The " + ENGINE_NAME + " engine already uses " + runtime);
        }
        runtime = openRuntime;
    }

    /** {@return the neuron4j version of this engine, without opening the runtime} */
    public String getNeuron4jVersion() {
        return neuron4jVersion;
    }

    @Override
    public synchronized Engine getAlternativeEngine() {
        if (!alternativeChecked) {
            alternativeChecked = true;
            if (!Boolean.getBoolean(DISABLE_ALTERNATIVE)) {
                Engine engine = Engine.getInstance();
                if (engine != this && engine.getRank() < getRank()) {
                    alternativeEngine = engine;
                }
            }
        }
        return alternativeEngine;
    }

    @Override
    public String getEngineName() {
        return ENGINE_NAME;
    }

    @Override
    public int getRank() {
        return RANK;
    }

    /**
     * The neuron4j version and the libnrt version, e.g. {@code 0.1.0 (libnrt 2.30.50.0)}, with
     * {@code emulator} for the neuron4j emulator. Opens the runtime; if it cannot be opened, says why instead of
     * the libnrt version.
     */
    @Override
    public String getVersion() {
        try {
            NeuronRuntime rt = getRuntime();
            return neuron4jVersion + " (libnrt " + rt.version() + (rt.isEmulated() ? ", emulator" : "") + ")";
        } catch (RuntimeException e) {
            return neuron4jVersion + " (libnrt not available: " + e.getMessage() + ")";
        }
    }

    /**
     * {@code true} for {@link #NEURON_CORE} when the runtime opens with at least one visible core; {@code false}
     * for everything else: CUDA, CUDNN, MKL, MKLDNN and OPENMP are not used by this engine (NEFF models run on
     * NeuronCores, and the engine has no CPU operators of its own).
     */
    @Override
    public boolean hasCapability(String capability) {
        if (NEURON_CORE.equals(capability)) {
            try {
                return getRuntime().visibleCores() > 0;
            } catch (RuntimeException e) {
                LOG.debug("No Neuron runtime: {}", e.getMessage());
                return false;
            }
        }
        return false;
    }

    /** {@return {@code nc0}, the first visible NeuronCore (does not open the runtime)} */
    @Override
    public Device defaultDevice() {
        return Device.of(DEVICE_TYPE, 0);
    }

    /** {@return every visible NeuronCore, {@code nc0} to {@code nc<n-1>}} @throws EngineException if no runtime */
    @Override
    public Device[] getDevices() {
        return getDevices(Integer.MAX_VALUE);
    }

    /**
     * The first visible NeuronCores.
     *
     * @param maxCores at most this many (0 or less: none)
     * @return {@code nc0} to {@code nc<min(maxCores, visible)-1>}
     * @throws EngineException if the runtime cannot be opened
     */
    @Override
    public Device[] getDevices(int maxCores) {
        int n = Math.max(0, Math.min(maxCores, getRuntime().visibleCores()));
        Device[] devices = new Device[n];
        for (int i = 0; i < n; i++) {
            devices[i] = Device.of(DEVICE_TYPE, i);
        }
        return devices;
    }

    /** {@return 0: this engine uses no GPU} */
    @Override
    public int getGpuCount() {
        return 0;
    }

    /**
     * A model to be loaded on NeuronCores.
     *
     * @param name the model name
     * @param device a NeuronCore ({@code nc<i>}), several ({@code nc0+nc1}), or null for {@code nc0}
     * @return the model
     * @throws IllegalArgumentException if the device is not a NeuronCore
     */
    @Override
    public Model newModel(String name, Device device) {
        Device d = device == null ? defaultDevice() : device;
        cores(d); // validates
        return new Neuron4jModel(name, Neuron4jNDManager.getSystemManager().newSubManager(d), this);
    }

    @Override
    public NDManager newBaseManager() {
        return newBaseManager(null);
    }

    @Override
    public NDManager newBaseManager(Device device) {
        return Neuron4jNDManager.getSystemManager().newSubManager(device);
    }

    /**
     * The core indices of a device: {@code nc<i>} gives {@code [i]}, a MultiDevice of NeuronCores its cores.
     *
     * @throws IllegalArgumentException for any other device
     */
    static List<Integer> cores(Device device) {
        List<Integer> cores = new ArrayList<>();
        for (Device d : device.getDevices()) {
            if (!DEVICE_TYPE.equals(d.getDeviceType()) || d.getDeviceId() < 0) {
                throw new IllegalArgumentException("The " + ENGINE_NAME + " engine runs models on NeuronCores: "
                        + "use Device.of(\"" + DEVICE_TYPE + "\", core) (e.g. \"nc0\", or \"nc0+nc1\" for several), "
                        + "not " + device);
            }
            if (!cores.contains(d.getDeviceId())) {
                cores.add(d.getDeviceId());
            }
        }
        return cores;
    }
}
