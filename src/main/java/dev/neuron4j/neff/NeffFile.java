package dev.neuron4j.neff;

import com.fasterxml.jackson.databind.JsonNode;
import dev.neuron4j.TensorSpec;
import dev.neuron4j.TensorSpec.Usage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A NEFF file's model description, read in pure Java: header, subgraphs, I/O tensors and, for emulator NEFFs,
 * the emulated op. No runtime or native code is needed.
 *
 * <p>Reading is streaming: the header, then one pass over the archive (inflated on the fly for pkg_version 2)
 * that keeps only the small JSON members the description comes from. Memory is bounded by those members,
 * never by the file, so a NEFF of any size reads with a small heap. Reading follows the libnrt emulator's
 * parser (native/emu/README.md) and is as strict: header_size must be 1024,
 * data_size within the file, pkg_version 1 or 2, NEFF version major 1 or 2; the archive must be a complete,
 * checksummed ustar/GNU tar (gzip CRC checked) without absolute or {@code ..} member paths; and the
 * {@link NeffLimits} apply (inflated bytes at most max(256 MiB, 64 x data_size), JSON members at most 64 MiB
 * each, JSON nesting 64, 4096 I/O tensors, 16 dims, names of 1 to 255 bytes, 256 subgraphs). Every violation
 * is a {@link NeffFormatException}.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class NeffFile {
    private static final String STREAM_SOURCE = "<stream>";

    private final NeffHeader header;
    private final List<String> subgraphs;
    private final List<TensorSpec> inputs;
    private final List<TensorSpec> outputs;
    private final String toolVersion;
    private final EmulatorOp emulatorOp;

    private NeffFile(NeffHeader header, List<String> subgraphs, IoTable io, String toolVersion,
            EmulatorOp emulatorOp) {
        this.header = header;
        this.subgraphs = List.copyOf(subgraphs);
        this.inputs = io.specs(Usage.INPUT);
        this.outputs = io.specs(Usage.OUTPUT);
        this.toolVersion = toolVersion;
        this.emulatorOp = emulatorOp;
    }

    /**
     * Reads a NEFF file, streaming (see the class description).
     *
     * @throws NeffFormatException if the file is malformed or exceeds a limit; the message names the file
     * @throws IOException if the file cannot be read
     */
    public static NeffFile read(Path file) throws IOException {
        long size = Files.size(file);
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString(), OptionalLong.of(size));
        }
    }

    /**
     * Reads a NEFF from a stream, streaming (see the class description). Reads exactly the header and its
     * data_size bytes of archive; the stream is left open. Messages name the file {@code <stream>}.
     *
     * @throws NeffFormatException if the NEFF is malformed, exceeds a limit or the stream ends early
     * @throws IOException if reading the stream fails
     */
    public static NeffFile read(InputStream in) throws IOException {
        return read(in, STREAM_SOURCE, OptionalLong.empty());
    }

    private static NeffFile read(InputStream in, String source, OptionalLong fileSize) throws IOException {
        byte[] headerBytes = in.readNBytes(NeffLimits.HEADER_SIZE);
        if (headerBytes.length < NeffLimits.HEADER_SIZE) {
            throw new NeffFormatException(source + ": NEFF of " + headerBytes.length
                    + " bytes is shorter than its " + NeffLimits.HEADER_SIZE + "-byte header");
        }
        NeffHeader header = NeffHeader.parse(headerBytes, source);
        if (fileSize.isPresent() && header.dataSize() > fileSize.getAsLong() - NeffLimits.HEADER_SIZE) {
            throw dataSizePastEnd(source, header, "the file has " + (fileSize.getAsLong() - NeffLimits.HEADER_SIZE)
                    + " bytes after its " + NeffLimits.HEADER_SIZE + "-byte header");
        }
        BoundedInputStreams.Window archive = BoundedInputStreams.window(
                BoundedInputStreams.sourceFailuresUnchecked(in), header.dataSize());
        try {
            NeffArchive members = NeffArchive.read(archive, header.pkgVersion() == 2, header.dataSize(), source);
            archive.transferTo(OutputStream.nullOutputStream()); // what follows the tar must still be present
            if (archive.remaining() > 0) {
                throw dataSizePastEnd(source, header, "it ends " + archive.remaining() + " bytes short of that");
            }
            return describe(header, members, source);
        } catch (UncheckedIOException e) {
            throw e.getCause(); // the source failed: not a format problem
        }
    }

    private static NeffFormatException dataSizePastEnd(String source, NeffHeader header, String found) {
        return new NeffFormatException(source + ": NEFF data_size " + header.dataSize()
                + " runs past the end of the file (" + found + ")");
    }

    /** Builds the description from the kept members, in the emulator's order of checks. */
    private static NeffFile describe(NeffHeader header, NeffArchive archive, String source)
            throws NeffFormatException {
        Optional<StrictJson.Document> info = json(archive, "info.json", source);
        String toolVersion = info.map(doc -> doc.root().get("tool_version"))
                .filter(JsonNode::isTextual).map(JsonNode::textValue).orElse(null);
        StrictJson.Document kelf = json(archive, "kelf-0.json", source)
                .orElseThrow(() -> new NeffFormatException(source + ": kelf-0.json is not in the archive"));
        JsonNode graphs = kelf.root().get("graphs");
        if (graphs == null || !graphs.isArray()) {
            throw new NeffFormatException(source + ": kelf-0.json: no \"graphs\" array");
        }
        if (graphs.size() > NeffLimits.MAX_GRAPHS) {
            throw new NeffFormatException(source + ": kelf-0.json: more than " + NeffLimits.MAX_GRAPHS + " graphs");
        }
        IoTable io = new IoTable(source);
        List<String> subgraphs = new ArrayList<>();
        for (JsonNode graph : graphs) {
            subgraphs.add(addGraph(io, archive, graph, source));
        }
        NeffFile withoutOp = new NeffFile(header, subgraphs, io, toolVersion, null);
        Optional<StrictJson.Document> emu = json(archive, "emu.json", source);
        if (emu.isEmpty()) {
            return withoutOp;
        }
        EmulatorOp op = EmuJson.parse(emu.get(), withoutOp.inputs, withoutOp.outputs, source);
        return new NeffFile(header, subgraphs, io, toolVersion, op);
    }

    /** Adds one kelf graph's tensors; returns its name ("name", else the definition's directory). */
    private static String addGraph(IoTable io, NeffArchive archive, JsonNode graph, String source)
            throws NeffFormatException {
        JsonNode definition = graph.get("definition");
        if (definition == null || !definition.isTextual() || definition.textValue().indexOf('\0') >= 0
                || definition.textValue().getBytes(StandardCharsets.UTF_8).length > NeffLimits.MAX_TAR_PATH_BYTES) {
            throw new NeffFormatException(source + ": kelf-0.json: a graph has no usable \"definition\"");
        }
        String defPath = MemberPaths.normalize(definition.textValue(), source);
        String mapPath = MemberPaths.tensorMapBeside(defPath);
        StrictJson.Document def = json(archive, defPath, source).orElseThrow(() -> new NeffFormatException(
                source + ": kelf-0.json: graph definition '" + defPath + "' is not in the archive"));
        io.addGraph(def, defPath, json(archive, mapPath, source).orElse(null), mapPath);
        JsonNode name = graph.get("name");
        return name != null && name.isTextual() ? name.textValue()
                : defPath.substring(0, Math.max(defPath.lastIndexOf('/'), 0));
    }

    private static Optional<StrictJson.Document> json(NeffArchive archive, String path, String source)
            throws NeffFormatException {
        Optional<byte[]> text = archive.member(path);
        return text.isPresent() ? Optional.of(StrictJson.parse(text.get(), source, path)) : Optional.empty();
    }

    /** {@return the header} */
    public NeffHeader header() {
        return header;
    }

    /** {@return the subgraph names, in kelf-0.json order} */
    public List<String> subgraphs() {
        return subgraphs;
    }

    /**
     * {@return the model's inputs in order of first appearance (kelf graph order, then def.json var order), as
     * libnrt lists them} A tensor without a tensor_map.json entry has type UNKNOWN and an empty shape.
     */
    public List<TensorSpec> inputs() {
        return inputs;
    }

    /** {@return the model's outputs, ordered as {@link #inputs()}} */
    public List<TensorSpec> outputs() {
        return outputs;
    }

    /** {@return the compiler version from info.json ({@code tool_version}), if the NEFF has one} */
    public Optional<String> toolVersion() {
        return Optional.ofNullable(toolVersion);
    }

    /** {@return the op an emulator NEFF's emu.json describes; empty for compiled NEFFs} */
    public Optional<EmulatorOp> emulatorOp() {
        return Optional.ofNullable(emulatorOp);
    }
}
