package dev.neuron4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** The kind of a model file, told from its first bytes (never from its name). */
public enum ModelFile {
    /** A NEFF: a 1024-byte little-endian header (pkg_version 1 or 2, header_size 1024), then an archive. */
    NEFF("neff"),
    /** A TorchScript file: a zip archive ({@code torch.jit.save}). */
    TORCHSCRIPT("torchscript");

    private final String jsonName;

    ModelFile(String jsonName) {
        this.jsonName = jsonName;
    }

    /** {@return {@code neff} or {@code torchscript}} */
    String jsonName() {
        return jsonName;
    }

    /**
     * Tells a NEFF from a TorchScript file.
     *
     * @param file the model file
     * @return its kind
     * @throws CliException if it is neither
     * @throws IOException if it cannot be read
     */
    public static ModelFile detect(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString());
        }
        if (Files.isDirectory(file)) {
            throw new CliException(file + " is a directory, not a model file");
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(16);
        }
        if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return TORCHSCRIPT;
        }
        if (head.length >= 8) {
            ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
            long pkg = b.getLong(0);
            if ((pkg == 1 || pkg == 2) && (head.length < 16 || b.getLong(8) == 1024)) {
                return NEFF; // possibly truncated: the NEFF reader says so
            }
        }
        if (head.length == 0) {
            throw new CliException(file + " is empty: not a NEFF or TorchScript file");
        }
        throw new CliException(file + " is not a NEFF (1024-byte header, pkg_version 1 or 2) or a TorchScript "
                + "file (zip archive from torch.jit.save)");
    }
}
