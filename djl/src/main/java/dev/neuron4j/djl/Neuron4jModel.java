package dev.neuron4j.djl;

import ai.djl.BaseModel;
import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDManager;
import ai.djl.translate.Translator;
import dev.neuron4j.NeuronRuntime;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A NEFF model loaded by the {@link Neuron4jEngine}, on one NeuronCore or on several (one replica per core).
 *
 * <h2>Loading</h2>
 * {@code Criteria.builder().setTypes(NDList.class, NDList.class).optModelPath(path).optEngine("Neuron4j")}:
 * the path is a NEFF file, or a directory holding {@code <prefix>}, {@code <prefix>.neff},
 * {@code <modelName>.neff}, {@code model.neff} or a single {@code *.neff} file. A path with no NEFF is a
 * {@link FileNotFoundException}, a file libnrt rejects as malformed a {@link MalformedModelException}.
 *
 * <h2>Cores</h2>
 * The model is loaded on the criteria's device: {@code optDevice(Device.of("nc", 1))} for core 1 (relative to
 * the visible cores), {@code Device.fromName("nc0+nc1")} for one replica on each of cores 0 and 1; default
 * {@code nc0}. Two options (Criteria {@code optOption}) choose replicas too:
 * <ul>
 *   <li>{@value #OPTION_REPLICAS}{@code =n}: n replicas on n consecutive cores from the device's core
 *       ({@code nc1} and {@code replicas=2}: cores 1 and 2);</li>
 *   <li>{@value #OPTION_CORES}{@code =0-1} or {@code =0,2}: the replicas' cores, instead of the device's.</li>
 * </ul>
 * A predictor ({@link #newPredictor(Translator, Device)}) of the model's device sends each call to a free
 * replica, one such call per replica at a time, waiting while every replica is busy
 * ({@link dev.neuron4j.ModelReplicas}); a predictor created for one of the replicas' cores
 * ({@code model.newPredictor(Device.of("nc", 1))}) runs on that core only.
 *
 * <h2>Closing</h2>
 * {@link #close()} unloads every replica (waiting for calls in progress) and closes the model's arrays. The
 * engine's runtime stays open.
 */
public final class Neuron4jModel extends BaseModel {
    /** Option: the replicas' cores, e.g. {@code 0-1} or {@code 0,2,3}. */
    public static final String OPTION_CORES = "cores";
    /** Option: the number of replicas, on consecutive cores from the model's device. */
    public static final String OPTION_REPLICAS = "replicas";

    private final Neuron4jEngine engine;

    Neuron4jModel(String name, Neuron4jNDManager manager, Neuron4jEngine engine) {
        super(name);
        this.manager = manager;
        this.manager.setName("neuron4jModel");
        this.engine = engine;
    }

    @Override
    public void load(Path modelPath, String prefix, Map<String, ?> options)
            throws IOException, MalformedModelException {
        checkNotLoaded();
        boolean ok = false;
        try {
            Path file = findNeff(modelPath, prefix);
            List<Integer> cores = cores(options);
            NeuronRuntime runtime = engine.getRuntime();
            block = Neuron4jSymbolBlock.load(runtime, modelName, file.toString(),
                    (rt, placement) -> rt.load(file, placement), cores, (Neuron4jNDManager) manager);
            loaded();
            ok = true;
        } finally {
            if (!ok) {
                manager.close();
            }
        }
    }

    @Override
    public void load(InputStream is, Map<String, ?> options) throws IOException, MalformedModelException {
        checkNotLoaded();
        boolean ok = false;
        try {
            byte[] bytes = is.readAllBytes();
            List<Integer> cores = cores(options);
            NeuronRuntime runtime = engine.getRuntime();
            block = Neuron4jSymbolBlock.load(runtime, modelName, "model '" + modelName + "' (stream)",
                    (rt, placement) -> rt.load(bytes, modelName, placement), cores, (Neuron4jNDManager) manager);
            loaded();
            ok = true;
        } finally {
            if (!ok) {
                manager.close();
            }
        }
    }

    private void checkNotLoaded() {
        if (block != null) {
            throw new IllegalStateException("The " + Neuron4jEngine.ENGINE_NAME + " engine loads NEFF files only "
                    + "(no Block), once per model; model '" + modelName + "' already has " + block);
        }
    }

    private void loaded() {
        wasLoaded = true;
        Neuron4jSymbolBlock b = (Neuron4jSymbolBlock) block;
        properties.put("neuron4j.cores", b.cores().stream().map(String::valueOf).collect(Collectors.joining(",")));
        if (!b.inputSpecs().isEmpty()) {
            dataType = DataTypes.toDjl(b.inputSpecs().get(0));
        }
    }

    private Path findNeff(Path modelPath, String prefix) throws IOException {
        if (Files.isRegularFile(modelPath)) {
            modelDir = modelPath.toAbsolutePath().getParent();
            String fileName = modelPath.getFileName().toString();
            if (fileName.equals(modelName) && fileName.toLowerCase(Locale.ROOT).endsWith(".neff")) {
                modelName = fileName.substring(0, fileName.length() - ".neff".length()); // as DJL's ONNX engine
            }
            return modelPath;
        }
        if (!Files.isDirectory(modelPath)) {
            throw new FileNotFoundException("No NEFF file at " + modelPath + ": it does not exist");
        }
        setModelDir(modelPath);
        List<String> names = new ArrayList<>();
        if (prefix != null) {
            names.add(prefix);
            names.add(prefix + ".neff");
        }
        names.add(modelName);
        names.add(modelName + ".neff");
        names.add("model.neff");
        for (String n : names) {
            Path p = modelDir.resolve(n);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        List<Path> neffs;
        try (Stream<Path> files = Files.list(modelDir)) {
            neffs = files.filter(p -> Files.isRegularFile(p)
                    && p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".neff"))
                    .collect(Collectors.toList());
        }
        if (neffs.size() == 1) {
            return neffs.get(0);
        }
        throw new FileNotFoundException("No NEFF file in " + modelDir + ": looked for " + names
                + (neffs.isEmpty() ? " and any *.neff" : " and found several *.neff: " + neffs));
    }

    /** The replicas' cores from the device and the options. */
    private List<Integer> cores(Map<String, ?> options) {
        Device device = manager.getDevice();
        List<Integer> cores = Neuron4jEngine.cores(device);
        Object coresOption = options == null ? null : options.get(OPTION_CORES);
        Object replicasOption = options == null ? null : options.get(OPTION_REPLICAS);
        if (coresOption != null) {
            cores = parseCores(coresOption.toString());
        }
        if (replicasOption != null) {
            int n;
            try {
                n = Integer.parseInt(replicasOption.toString().trim());
            } catch (NumberFormatException e) {
                n = 0;
            }
            if (n < 1) {
                throw new IllegalArgumentException("Option " + OPTION_REPLICAS + " must be a count >= 1, got '"
                        + replicasOption + "'");
            }
            if (cores.size() == 1) {
                int first = cores.get(0);
                cores = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    cores.add(first + i);
                }
            } else if (cores.size() != n) {
                throw new IllegalArgumentException("Option " + OPTION_REPLICAS + "=" + n + " contradicts the "
                        + cores.size() + " cores " + cores + " of " + (coresOption != null ? "option " + OPTION_CORES
                        : "device " + device));
            }
        }
        return cores;
    }

    /** Parses {@code 0-1}, {@code 0,2,3} or {@code 0-1,4}. */
    static List<Integer> parseCores(String text) {
        List<Integer> cores = new ArrayList<>();
        try {
            for (String part : text.split(",")) {
                String p = part.trim();
                int dash = p.indexOf('-');
                int from = Integer.parseInt(dash < 0 ? p : p.substring(0, dash).trim());
                int to = dash < 0 ? from : Integer.parseInt(p.substring(dash + 1).trim());
                if (from < 0 || to < from) {
                    throw new NumberFormatException();
                }
                for (int c = from; c <= to; c++) {
                    if (!cores.contains(c)) {
                        cores.add(c);
                    }
                }
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Option " + OPTION_CORES + " must be core indices such as 0-1 or "
                    + "0,2, got '" + text + "'");
        }
        return cores;
    }

    /**
     * A predictor. On the model's device calls go to a free replica (waiting for one); on one of the replicas' cores
     * ({@code Device.of("nc", i)}) they run on that core. Wrong inputs are a {@code TranslateException} that
     * names the expected and the given inputs.
     *
     * @throws IllegalArgumentException if the device is neither the model's device nor one of its cores
     */
    @Override
    public <I, O> Predictor<I, O> newPredictor(Translator<I, O> translator, Device device) {
        Neuron4jSymbolBlock b = neuronBlock();
        b.checkDevice(device);
        return new Neuron4jPredictor<>(this, translator, device, b);
    }

    /** {@return the loaded NEFF block} @throws IllegalStateException before load */
    public Neuron4jSymbolBlock neuronBlock() {
        if (!(block instanceof Neuron4jSymbolBlock)) {
            throw new IllegalStateException("Model '" + modelName + "' is not loaded");
        }
        return (Neuron4jSymbolBlock) block;
    }

    /** {@return the model's manager} */
    @Override
    public NDManager getNDManager() {
        return manager;
    }
}
