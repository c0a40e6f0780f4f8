package dev.neuron4j.serve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Finds the models a path holds, in the shape of Triton's model repository: a model file, {@code .neff} or
 * TorchScript ({@code .pt}, {@code .pth}; one model, named after the file), a model folder (its one model file
 * and an optional {@code config.json}, named after the folder), a text-classifier model folder (it holds a
 * {@code tokenizer.json}: its bucket files are one model, named after the folder), or a repository folder (one
 * model folder per sub-folder). Stateless; thread-safe.
 */
public final class ModelRepository {
    private static final String EXPECTED = "a .neff or TorchScript (.pt) file";
    /** The file that makes a model folder a text classifier's (docs/text.md). */
    private static final String TOKENIZER = "tokenizer.json";

    /**
     * One model to load: its file and its settings.
     *
     * @param file the model file: a NEFF, a TorchScript file ({@link #torchScript()}), or the folder of a text
     *     model ({@link #text()})
     * @param config its settings ({@code config.json}, else the defaults)
     */
    public record Entry(Path file, ModelConfig config) {
        /** {@return whether the file is TorchScript ({@code .pt} or {@code .pth}), else a NEFF or a text model} */
        public boolean torchScript() {
            return isTorchScript(file);
        }

        /**
         * {@return whether this is a text-classifier model folder ({@link #file()} is the folder, which holds a
         * {@code tokenizer.json}): served by {@link TextServedModel}}
         */
        public boolean text() {
            return Files.isDirectory(file);
        }
    }

    private ModelRepository() {}

    /**
     * Lists the models of a path.
     *
     * @param path a model file, a model folder or a repository folder
     * @return the models, sorted by folder name; never empty
     * @throws IOException if the path holds no model, a model folder holds no or several model files (several
     *     bucket files are one model only in a text-classifier folder), or a file cannot be read; the message names the path and what was
     *     expected
     * @throws IllegalArgumentException if a {@code config.json} is malformed (as {@link ModelConfig#read(Path)})
     */
    public static List<Entry> find(Path path) throws IOException {
        if (Files.isRegularFile(path)) {
            return List.of(fileEntry(path));
        }
        if (!Files.isDirectory(path)) {
            throw new IOException(path + " does not exist (expected " + EXPECTED + " or a model folder)");
        }
        List<Path> files = modelFilesIn(path);
        if (!files.isEmpty() || Files.isRegularFile(path.resolve(TOKENIZER))) {
            return List.of(folderEntry(path, files));
        }
        List<Entry> entries = new ArrayList<>();
        for (Path folder : subFolders(path)) {
            entries.add(folderEntry(folder, modelFilesIn(folder)));
        }
        if (entries.isEmpty()) {
            throw new IOException(path + " holds no model: expected " + EXPECTED + " in it, or sub-folders with "
                    + "one such file each (and an optional " + ModelConfig.FILE_NAME + ")");
        }
        return entries;
    }

    private static Entry fileEntry(Path file) throws IOException {
        String fileName = file.getFileName().toString();
        if (!isModelFile(file)) {
            throw new IOException(file + " is not a model file (expected " + EXPECTED + " or a model folder)");
        }
        return new Entry(file, ModelConfig.builder(fileName.substring(0, fileName.lastIndexOf('.'))).build());
    }

    /** {@return the model of a model folder: its one model file and its settings} */
    static Entry modelFolder(Path folder) throws IOException {
        return folderEntry(folder, modelFilesIn(folder));
    }

    private static Entry folderEntry(Path folder, List<Path> files) throws IOException {
        if (Files.isRegularFile(folder.resolve(TOKENIZER))) {
            return new Entry(folder, ModelConfig.read(folder));
        }
        if (files.size() != 1) {
            throw new IOException("Model folder " + folder + " must hold one model file (.neff or .pt), it holds "
                    + files.size() + (files.isEmpty() ? "" : ": " + files.stream().map(p -> p.getFileName()
                    .toString()).collect(Collectors.joining(", ")) + " (several bucket files are one model only "
                    + "in a text-classifier folder, with its tokenizer.json: docs/text.md)"));
        }
        return new Entry(files.get(0), ModelConfig.read(folder));
    }

    private static List<Path> modelFilesIn(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> isModelFile(f) && Files.isRegularFile(f)).sorted().collect(Collectors.toList());
        }
    }

    private static boolean isModelFile(Path file) {
        return file.getFileName().toString().endsWith(".neff") || isTorchScript(file);
    }

    private static boolean isTorchScript(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".pt") || name.endsWith(".pth");
    }

    private static List<Path> subFolders(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(Files::isDirectory).sorted().collect(Collectors.toList());
        }
    }
}
