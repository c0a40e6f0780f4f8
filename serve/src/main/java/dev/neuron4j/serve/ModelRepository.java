package dev.neuron4j.serve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Finds the models a path holds, in the shape of Triton's model repository: a {@code .neff} file (one model,
 * named after the file), a model folder (its one {@code .neff} and an optional {@code config.json}, named after
 * the folder), or a repository folder (one model folder per sub-folder). Stateless; thread-safe.
 */
public final class ModelRepository {
    /**
     * One model to load: its file and its settings.
     *
     * @param neff the NEFF file
     * @param config its settings ({@code config.json}, else the defaults)
     */
    public record Entry(Path neff, ModelConfig config) {}

    private ModelRepository() {}

    /**
     * Lists the models of a path.
     *
     * @param path a {@code .neff} file, a model folder or a repository folder
     * @return the models, sorted by folder name; never empty
     * @throws IOException if the path holds no model, a model folder holds no or several {@code .neff} files, or
     *     a file cannot be read; the message names the path and what was expected
     * @throws IllegalArgumentException if a {@code config.json} is malformed (as {@link ModelConfig#read(Path)})
     */
    public static List<Entry> find(Path path) throws IOException {
        if (Files.isRegularFile(path)) {
            return List.of(fileEntry(path));
        }
        if (!Files.isDirectory(path)) {
            throw new IOException(path + " does not exist (expected a .neff file or a model folder)");
        }
        List<Path> neffs = neffsIn(path);
        if (!neffs.isEmpty()) {
            return List.of(folderEntry(path, neffs));
        }
        List<Entry> entries = new ArrayList<>();
        for (Path folder : subFolders(path)) {
            entries.add(folderEntry(folder, neffsIn(folder)));
        }
        if (entries.isEmpty()) {
            throw new IOException(path + " holds no model: expected a .neff file in it, or sub-folders with one "
                    + ".neff file each (and an optional " + ModelConfig.FILE_NAME + ")");
        }
        return entries;
    }

    private static Entry fileEntry(Path file) throws IOException {
        String fileName = file.getFileName().toString();
        if (fileName.endsWith(".pt") || fileName.endsWith(".pth")) {
            throw new IOException(file + ": TorchScript files are not served yet; serve a NEFF (a .neff file or "
                    + "a model folder holding one)");
        }
        if (!fileName.endsWith(".neff")) {
            throw new IOException(file + " is not a .neff file (expected a .neff file or a model folder)");
        }
        return new Entry(file, ModelConfig.builder(fileName.substring(0, fileName.length() - 5)).build());
    }

    /** {@return the model of a model folder: its one .neff and its settings} */
    static Entry modelFolder(Path folder) throws IOException {
        return folderEntry(folder, neffsIn(folder));
    }

    private static Entry folderEntry(Path folder, List<Path> neffs) throws IOException {
        if (neffs.size() != 1) {
            throw new IOException("Model folder " + folder + " must hold one .neff file, it holds " + neffs.size()
                    + (neffs.isEmpty() ? "" : ": " + neffs.stream().map(p -> p.getFileName().toString())
                    .collect(Collectors.joining(", "))));
        }
        return new Entry(neffs.get(0), ModelConfig.read(folder));
    }

    private static List<Path> neffsIn(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".neff") && Files.isRegularFile(f))
                    .sorted().collect(Collectors.toList());
        }
    }

    private static List<Path> subFolders(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(Files::isDirectory).sorted().collect(Collectors.toList());
        }
    }
}
