package dev.neuron4j.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A Hugging Face tokenizer read from a {@code tokenizer.json} (what {@code tokenizer.save()} or
 * {@code save_pretrained} writes), run by Hugging Face's own Rust {@code tokenizers} library through DJL's
 * {@code ai.djl.huggingface:tokenizers}, so that ids are the ones Python gives. Texts are encoded with the
 * special tokens the file's post-processor adds ({@code [CLS]}/{@code [SEP]} for BERT), either at their own
 * length or padded (with the file's pad token, {@link #padId()}) and truncated (longest first) to a given
 * length.
 *
 * <p><b>Dependency.</b> {@code ai.djl.huggingface:tokenizers} is an optional dependency of neuron4j-text: add
 * it (version 0.36.0) to use this class; without it {@link #load} throws a {@link TokenizerException} saying
 * so. Its jar carries the native library for linux-x86_64 (and linux-aarch64, macOS arm64, Windows x86_64),
 * which DJL copies once into its cache folder ({@code ENGINE_CACHE_DIR} or {@code DJL_CACHE_DIR}, by default
 * {@code ~/.djl.ai/tokenizers/}) and loads from there: nothing is downloaded. DJL would download only a CUDA
 * build, which it chooses on a machine with CUDA; this class therefore sets the system property
 * {@code RUST_FLAVOR=cpu} when neither it nor the environment variable is set. {@code -Dai.djl.offline=true}
 * also keeps DJL from any download.
 *
 * <p><b>Threads.</b> All methods may be called from any number of threads at once. {@link #close()} waits
 * for running calls to end; calls after it throw {@link IllegalStateException}. Each distinct length passed
 * to {@link #encode(String, int)} gets its own native tokenizer (padding and truncation are fixed in one),
 * kept until {@link #close()}.
 *
 * <pre>{@code
 * try (Tokenizer tokenizer = Tokenizer.load(Path.of("model/tokenizer.json"))) {
 *     Encoding e = tokenizer.encode("I loved this movie!", 32);  // 32 ids: [CLS] ... [SEP] [PAD] ...
 *     long[] ids = e.inputIds();
 *     long[] mask = e.attentionMask();
 * }
 * }</pre>
 */
public final class Tokenizer implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path file;
    private final long padId;
    private final NativeTokenizer unpadded;
    private final Map<Integer, NativeTokenizer> byLength = new ConcurrentHashMap<>();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed; // guarded by lock

    private Tokenizer(Path file, long padId, NativeTokenizer unpadded) {
        this.file = file;
        this.padId = padId;
        this.unpadded = unpadded;
    }

    /** {@return whether DJL's {@code ai.djl.huggingface:tokenizers} is on the class path} */
    public static boolean isAvailable() {
        try {
            Class.forName("ai.djl.huggingface.tokenizers.HuggingFaceTokenizer", false,
                    Tokenizer.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * Reads a tokenizer.json.
     *
     * @param tokenizerJson the file
     * @return the tokenizer; close it
     * @throws TokenizerException if DJL's tokenizers is missing, its native library does not load, or the file
     *     is missing or not a tokenizer
     */
    public static Tokenizer load(Path tokenizerJson) {
        Objects.requireNonNull(tokenizerJson, "tokenizerJson");
        Path file = tokenizerJson.toAbsolutePath().normalize();
        if (!isAvailable()) {
            throw new TokenizerException("The tokenizer needs ai.djl.huggingface:tokenizers:0.36.0 on the class "
                    + "path (an optional dependency of neuron4j-text); add it to read " + file, null);
        }
        if (!Files.isRegularFile(file)) {
            throw new TokenizerException("Tokenizer file " + file + " does not exist or is not a regular file",
                    null);
        }
        long padId = readPadId(file);
        return new Tokenizer(file, padId, openNative(file, 0));
    }

    /** The pad id the native tokenizer uses: the file's {@code padding.pad_id}, else Rust's default 0. */
    private static long readPadId(Path file) {
        try {
            JsonNode padding = MAPPER.readTree(file.toFile()).path("padding");
            return padding.path("pad_id").asLong(0);
        } catch (IOException e) {
            throw new TokenizerException("Tokenizer file " + file + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    private static NativeTokenizer openNative(Path file, int length) {
        try {
            return NativeTokenizer.open(file, length);
        } catch (IOException | RuntimeException e) {
            throw new TokenizerException("Cannot make a tokenizer from " + file + ": " + e.getMessage(), e);
        }
    }

    /** {@return the tokenizer.json this tokenizer was read from (absolute)} */
    public Path file() {
        return file;
    }

    /** {@return the id padding positions get in {@code input_ids} (their attention mask and type id are 0)} */
    public long padId() {
        return padId;
    }

    /**
     * Encodes a text at its own length (special tokens included, no padding, no truncation).
     *
     * @param text the text
     * @return its encoding
     * @throws IllegalStateException if the tokenizer is closed
     */
    public Encoding encode(String text) {
        Objects.requireNonNull(text, "text");
        Lock read = lock.readLock();
        read.lock();
        try {
            ensureOpen();
            return unpadded.encode(text);
        } finally {
            read.unlock();
        }
    }

    /**
     * Encodes texts at their own lengths, in one native call (run in parallel by the Rust library).
     *
     * @param texts the texts
     * @return one encoding per text, in order
     * @throws IllegalStateException if the tokenizer is closed
     */
    public List<Encoding> encode(List<String> texts) {
        List<String> copy = List.copyOf(texts);
        Lock read = lock.readLock();
        read.lock();
        try {
            ensureOpen();
            return copy.isEmpty() ? List.of() : unpadded.encode(copy);
        } finally {
            read.unlock();
        }
    }

    /**
     * Encodes a text to exactly {@code length} tokens: padded with {@link #padId()} (mask 0), or truncated
     * (the special tokens kept).
     *
     * @param text the text
     * @param length the number of tokens, at least the special tokens' count (2 for BERT)
     * @return its encoding, of {@code length}
     * @throws IllegalArgumentException if length is not positive
     * @throws IllegalStateException if the tokenizer is closed
     */
    public Encoding encode(String text, int length) {
        Objects.requireNonNull(text, "text");
        Lock read = lock.readLock();
        read.lock();
        try {
            ensureOpen();
            return atLength(length).encode(text);
        } finally {
            read.unlock();
        }
    }

    /**
     * Encodes texts to exactly {@code length} tokens each, in one native call, as {@link #encode(String, int)}.
     *
     * @param texts the texts
     * @param length the number of tokens of each
     * @return one encoding per text, in order
     * @throws IllegalArgumentException if length is not positive
     * @throws IllegalStateException if the tokenizer is closed
     */
    public List<Encoding> encode(List<String> texts, int length) {
        List<String> copy = List.copyOf(texts);
        Lock read = lock.readLock();
        read.lock();
        try {
            ensureOpen();
            NativeTokenizer tokenizer = atLength(length);
            return copy.isEmpty() ? List.of() : tokenizer.encode(copy);
        } finally {
            read.unlock();
        }
    }

    /** The native tokenizer padding and truncating to {@code length}, made on first use; called under the read lock. */
    private NativeTokenizer atLength(int length) {
        if (length <= 0) {
            throw new IllegalArgumentException("length must be positive, got " + length);
        }
        return byLength.computeIfAbsent(length, n -> openNative(file, n));
    }

    /** Frees the native tokenizers. Waits for running calls to end; idempotent. */
    @Override
    public void close() {
        Lock write = lock.writeLock();
        write.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            unpadded.close();
            byLength.values().forEach(NativeTokenizer::close);
            byLength.clear();
        } finally {
            write.unlock();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("Tokenizer " + file + " is closed");
        }
    }

    @Override
    public String toString() {
        return "Tokenizer[" + file + ", pad id " + padId + "]";
    }
}
