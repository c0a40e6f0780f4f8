package dev.neuron4j.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.bytedeco.javacpp.Loader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the Neuron Runtime library ({@code libnrt.so.1}) and then neuron4j's JNI bindings to it.
 *
 * <p>Call {@link #load()} before touching any class of {@code dev.neuron4j.nrt}: their static initialisers
 * load the JNI library, whose dependency on {@code libnrt.so.1} is satisfied only by the copy this class has
 * already loaded (the JNI library carries no search path to it). The search order is:
 *
 * <ol>
 *   <li>the directory named by the system property {@value #PATH_PROPERTY}, or, when that is not set, by the
 *       environment variable {@value #PATH_ENV} (this is how the emulator, {@code target/emu}, is selected);
 *   <li>{@value #NEURON_LIB_DIR}, where the {@code aws-neuronx-runtime-lib} package installs it;
 *   <li>the system loader path ({@code LD_LIBRARY_PATH}, the {@code ld.so} cache).
 * </ol>
 *
 * <p>The first {@code libnrt.so.1} that loads wins; the file is logged at INFO. If none loads, a
 * {@link LibraryNotFoundException} lists every place searched.
 */
public final class NativeLibrary {
    /** System property naming the directory that holds {@code libnrt.so.1}. */
    public static final String PATH_PROPERTY = "neuron4j.nrt.path";
    /** Environment variable naming the directory that holds {@code libnrt.so.1}. */
    public static final String PATH_ENV = "NEURON4J_NRT_PATH";
    /** Where the {@code aws-neuronx-runtime-lib} package installs libnrt. */
    static final String NEURON_LIB_DIR = "/opt/aws/neuron/lib";
    /** The file name (and soname) of the runtime library. */
    static final String LIBRARY_FILE = "libnrt.so.1";

    private static final Logger LOG = LoggerFactory.getLogger(NativeLibrary.class);

    private static String loaded;
    private static boolean emulatorHooksLoaded;

    private NativeLibrary() {}

    /**
     * Loads libnrt (once per JVM) and the JNI library of {@code dev.neuron4j.nrt}.
     *
     * @return the libnrt file that was loaded
     * @throws LibraryNotFoundException if no loadable libnrt was found
     * @throws IllegalStateException if libnrt loaded but the JNI bindings did not
     */
    public static synchronized String load() {
        return load(null);
    }

    /**
     * Loads libnrt (once per JVM), searching {@code firstDirectory} before the places of {@link #load()}, and
     * the JNI library of {@code dev.neuron4j.nrt}.
     *
     * @param firstDirectory a directory to search first, or null
     * @return the libnrt file that was loaded (by this call or an earlier one)
     * @throws LibraryNotFoundException if no loadable libnrt was found
     * @throws IllegalStateException if libnrt loaded but the JNI bindings did not
     */
    public static synchronized String load(Path firstDirectory) {
        if (loaded != null && firstDirectory != null
                && !loaded.startsWith(firstDirectory.toAbsolutePath().toString() + "/")) {
            LOG.warn("libnrt is already loaded from {}; the requested directory {} is ignored (libnrt loads once "
                    + "per JVM)", loaded, firstDirectory);
        }
        if (loaded == null) {
            String library = null;
            if (firstDirectory != null) {
                List<String> searched = new ArrayList<>();
                library = tryDirectory(firstDirectory, "the runtime options' library directory", searched);
            }
            if (library == null) {
                library = loadRuntime();
            }
            loadBindings(dev.neuron4j.nrt.global.nrt.class, library);
            loaded = library;
        }
        return loaded;
    }

    /**
     * Loads the bindings of the emulator-only test hooks ({@code dev.neuron4j.nrt.global.nrt_emu}), after
     * {@link #load()}. Only call this when the emulator is the selected libnrt: the real one lacks them.
     *
     * @throws LibraryNotFoundException if no loadable libnrt was found
     * @throws IllegalStateException if the loaded libnrt has no emulator hooks
     */
    public static synchronized void loadEmulatorHooks() {
        String library = load();
        if (!emulatorHooksLoaded) {
            loadBindings(dev.neuron4j.nrt.global.nrt_emu.class, library);
            emulatorHooksLoaded = true;
        }
    }

    /**
     * Finds the {@code libnrt.so.1} that {@link #load()} would try first, without loading anything: the
     * directory of {@value #PATH_PROPERTY} / {@value #PATH_ENV}, then {@value #NEURON_LIB_DIR}, then the
     * directories of {@code LD_LIBRARY_PATH}, then the {@code ld.so} cache ({@code /etc/ld.so.cache}). Used to
     * decide between a real runtime and the emulator before committing to either (libnrt loads once per JVM).
     *
     * @return the first existing file, or empty if there is none
     */
    public static java.util.Optional<Path> locate() {
        return locate(System.getProperty(PATH_PROPERTY), System.getenv(PATH_ENV), Paths.get(NEURON_LIB_DIR),
                System.getenv("LD_LIBRARY_PATH"), Paths.get("/etc/ld.so.cache"));
    }

    /** {@link #locate()} with every input given, for tests. */
    static java.util.Optional<Path> locate(String property, String env, Path neuronLibDir, String ldLibraryPath,
            Path ldCache) {
        List<Path> candidates = new ArrayList<>();
        String configured = property != null && !property.isBlank() ? property : env;
        if (configured != null && !configured.isBlank()) {
            candidates.add(Paths.get(configured));
        }
        candidates.add(neuronLibDir);
        if (ldLibraryPath != null) {
            for (String dir : ldLibraryPath.split(":")) {
                if (!dir.isEmpty()) {
                    candidates.add(Paths.get(dir));
                }
            }
        }
        for (Path dir : candidates) {
            Path file = dir.resolve(LIBRARY_FILE).toAbsolutePath();
            if (Files.isRegularFile(file)) {
                return java.util.Optional.of(file);
            }
        }
        return fromLdCache(ldCache);
    }

    /** The path the ld.so cache records for libnrt.so.1 (its string table holds NUL-terminated paths). */
    private static java.util.Optional<Path> fromLdCache(Path cache) {
        byte[] bytes;
        try {
            if (!Files.isRegularFile(cache) || Files.size(cache) > 64L << 20) {
                return java.util.Optional.empty();
            }
            bytes = Files.readAllBytes(cache);
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
        byte[] needle = ("/" + LIBRARY_FILE + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + needle.length <= bytes.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            int start = i;
            while (start > 0 && bytes[start - 1] != 0) {
                start--;
            }
            if (bytes[start] == '/') {
                Path file = Paths.get(new String(bytes, start, i + needle.length - 1 - start,
                        java.nio.charset.StandardCharsets.UTF_8));
                if (Files.isRegularFile(file)) {
                    return java.util.Optional.of(file);
                }
            }
        }
        return java.util.Optional.empty();
    }

    private static String loadRuntime() {
        List<String> searched = new ArrayList<>();
        String configured = System.getProperty(PATH_PROPERTY);
        String source = "system property " + PATH_PROPERTY;
        if (configured == null || configured.isBlank()) {
            searched.add("system property " + PATH_PROPERTY + ": not set");
            configured = System.getenv(PATH_ENV);
            source = "environment variable " + PATH_ENV;
        } else if (System.getenv(PATH_ENV) != null) {
            LOG.debug("{} is set; {} is ignored", PATH_PROPERTY, PATH_ENV);
        }
        if (configured == null || configured.isBlank()) {
            searched.add("environment variable " + PATH_ENV + ": not set");
        } else {
            String file = tryDirectory(Paths.get(configured), source, searched);
            if (file != null) {
                return file;
            }
        }
        String file = tryDirectory(Paths.get(NEURON_LIB_DIR), "the Neuron install directory", searched);
        if (file != null) {
            return file;
        }
        file = trySystemPath(searched);
        if (file != null) {
            return file;
        }
        throw new LibraryNotFoundException(notFoundMessage(searched));
    }

    private static String tryDirectory(Path dir, String source, List<String> searched) {
        Path file = dir.resolve(LIBRARY_FILE).toAbsolutePath();
        String place = source + ": " + file;
        if (!Files.isRegularFile(file)) {
            searched.add(place + ": not found");
            if (!NEURON_LIB_DIR.equals(dir.toString())) {
                LOG.warn("{} names {}, which has no {}; searching on", source, dir, LIBRARY_FILE);
            }
            return null;
        }
        try {
            System.load(file.toString());
        } catch (UnsatisfiedLinkError e) {
            searched.add(place + ": could not be loaded: " + e.getMessage());
            LOG.warn("Found {} but could not load it: {}", file, e.getMessage());
            return null;
        }
        LOG.info("Loaded the Neuron runtime library {} (from {})", file, source);
        return file.toString();
    }

    private static String trySystemPath(List<String> searched) {
        String ldPath = System.getenv("LD_LIBRARY_PATH");
        String place = "the system loader path (LD_LIBRARY_PATH="
                + (ldPath == null || ldPath.isEmpty() ? "<unset>" : ldPath) + ", then the ld.so cache)";
        try {
            Loader.loadGlobal(LIBRARY_FILE);
        } catch (UnsatisfiedLinkError e) {
            searched.add(place + ": " + e.getMessage());
            return null;
        }
        String file = mappedFile().orElse(LIBRARY_FILE);
        LOG.info("Loaded the Neuron runtime library {} (from {})", file, place);
        return file;
    }

    /** The file of the loaded libnrt as the kernel maps it (Linux), to tell the user which copy was found. */
    private static java.util.Optional<String> mappedFile() {
        try (Stream<String> lines = Files.lines(Paths.get("/proc/self/maps"))) {
            return lines.map(line -> line.substring(line.indexOf('/') < 0 ? line.length() : line.indexOf('/')))
                    .filter(path -> path.contains("/" + LIBRARY_FILE) || path.endsWith("/libnrt.so"))
                    .findFirst();
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    private static String notFoundMessage(List<String> searched) {
        StringBuilder message = new StringBuilder("The Neuron runtime library ").append(LIBRARY_FILE)
                .append(" was not found. Searched, in order:");
        for (int i = 0; i < searched.size(); i++) {
            message.append(System.lineSeparator()).append("  ").append(i + 1).append(". ").append(searched.get(i));
        }
        return message.append(System.lineSeparator())
                .append("On a Neuron instance, install the aws-neuronx-runtime-lib package (it puts libnrt into ")
                .append(NEURON_LIB_DIR).append("). To use the neuron4j emulator instead, build it ")
                .append("(make -C native all OUT=target, or mvn verify) and set -D").append(PATH_PROPERTY)
                .append("=<dir> or ").append(PATH_ENV).append("=<dir> to the directory holding its ")
                .append(LIBRARY_FILE).append(" (target/emu).")
                .toString();
    }

    private static void loadBindings(Class<?> bindings, String library) {
        try {
            Loader.load(bindings);
        } catch (UnsatisfiedLinkError e) {
            throw new IllegalStateException("Loaded " + library + " but not the JNI bindings "
                    + bindings.getName() + ": " + e.getMessage(), e);
        }
    }
}
