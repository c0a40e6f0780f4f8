package dev.neuron4j;

import dev.neuron4j.internal.Children;
import dev.neuron4j.internal.NativeResource;
import dev.neuron4j.nrt.global.nrt;
import dev.neuron4j.nrt.nrt_tensor_t;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.Objects;
import org.bytedeco.javacpp.BytePointer;

/**
 * A libnrt tensor: either device memory of one NeuronCore ({@link NeuronRuntime#allocateTensor},
 * {@link NeffModel#allocateTensor}) or a caller's direct buffer wrapped without copying
 * ({@link NeuronRuntime#wrap}, {@link NeffModel#wrapTensor}).
 *
 * <h2>Views and copies</h2>
 * Methods named {@code as...Buffer} return <b>views</b> of a host-backed (wrapped) tensor's memory, in native
 * byte order, without copying: a write through the view is what the next execution reads, and what an
 * execution writes is visible at once. Device tensors have no host view (libnrt gives no host address for
 * device memory); {@link #read} and {@link #write} <b>copy</b> between the tensor and a caller's buffer, for
 * both kinds. Sizes and offsets are {@code long}: tensors of 4 GiB and more work with read/write.
 *
 * <h2>Lifecycle</h2>
 * {@link #close()} frees the tensor (a wrapped buffer is released to the caller, never freed). It is
 * idempotent. A tensor bound into a live {@link Binding} cannot be closed: close the binding first. Any use
 * after close throws {@link IllegalStateException}. A tensor that becomes unreachable unclosed is freed by a
 * cleaner, with a WARN.
 *
 * <h2>Thread safety</h2>
 * Thread-safe for its lifecycle: any method may be called from any thread, and a close waits for
 * read/write calls in progress. The <em>contents</em> are not synchronised: concurrent writes to overlapping
 * ranges, or a write during an execution that reads the tensor, give unspecified data (never a crash).
 */
public final class Tensor implements AutoCloseable {
    private final TensorResource resource;
    private final String name;
    private final long byteSize;
    private final int core;
    private final ByteBuffer view; // host-backed tensors only: the attached region

    private Tensor(TensorResource resource, String name, long byteSize, int core, ByteBuffer view) {
        this.resource = resource;
        this.name = name;
        this.byteSize = byteSize;
        this.core = core;
        this.view = view;
        NativeResource.CLEANER.register(this, resource::clean);
    }

    /** Allocates a device tensor adopted by {@code owner} (the runtime, or the binding that needs it). */
    static Tensor allocate(NeuronRuntime runtime, NativeResource owner, String name, long byteSize, int core) {
        Objects.requireNonNull(name, "name");
        if (byteSize <= 0) {
            throw new IllegalArgumentException("Tensor '" + name + "': size must be > 0, got " + byteSize);
        }
        runtime.acquire();
        try {
            nrt_tensor_t handle = new nrt_tensor_t();
            NeuronException.check("nrt_tensor_allocate", nrt.nrt_tensor_allocate(nrt.NRT_TENSOR_PLACEMENT_DEVICE,
                    core, byteSize, name, handle), "tensor '" + name + "' (" + byteSize + " bytes) on core " + core);
            TensorResource r = new TensorResource(owner, runtime, name, handle, null, null);
            return new Tensor(r, name, byteSize, core, null);
        } finally {
            runtime.release();
        }
    }

    static Tensor wrap(NeuronRuntime runtime, String name, ByteBuffer buffer, long expectedSize) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(buffer, "buffer");
        String expected = expectedSize >= 0 ? "expected " + expectedSize + " bytes" : "any size";
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException("Tensor '" + name + "': cannot wrap a heap buffer without copying; "
                    + "use ByteBuffer.allocateDirect (" + expected + ", the buffer has " + buffer.remaining()
                    + " remaining)");
        }
        if (buffer.isReadOnly()) {
            throw new IllegalArgumentException("Tensor '" + name + "': cannot wrap a read-only buffer ("
                    + expected + ", the buffer has " + buffer.remaining() + " remaining)");
        }
        long size = buffer.remaining();
        if (expectedSize >= 0 && size != expectedSize) {
            throw new IllegalArgumentException("Tensor '" + name + "': expected " + expectedSize
                    + " bytes, the buffer has " + size + " remaining");
        }
        if (size == 0) {
            throw new IllegalArgumentException("Tensor '" + name + "': the buffer has no remaining bytes");
        }
        ByteBuffer region = buffer.slice().order(ByteOrder.nativeOrder());
        runtime.acquire();
        try {
            nrt_tensor_t handle = new nrt_tensor_t();
            NeuronException.check("nrt_tensor_allocate_empty", nrt.nrt_tensor_allocate_empty(name, handle),
                    "tensor '" + name + "'");
            BytePointer memory = new BytePointer(region);
            int status = nrt.nrt_tensor_attach_buffer(handle, memory, size);
            if (status != 0) {
                nrt.nrt_tensor_free(handle);
                throw new NeuronException("nrt_tensor_attach_buffer", status, "tensor '" + name + "' (" + size
                        + " bytes)");
            }
            TensorResource r = new TensorResource(runtime.resource(), runtime, name, handle, region, memory);
            return new Tensor(r, name, size, -1, region);
        } finally {
            runtime.release();
        }
    }

    /** {@return the tensor's name} */
    public String name() {
        return name;
    }

    /** {@return the size in bytes} */
    public long byteSize() {
        return byteSize;
    }

    /** {@return the core whose device memory holds it, or -1 for a host-backed (wrapped) tensor} */
    public int core() {
        return core;
    }

    /** {@return whether it wraps a host buffer (and so has {@code as...Buffer} views)} */
    public boolean isHostBacked() {
        return view != null;
    }

    /**
     * Copies {@code src.remaining()} bytes from {@code src} into the tensor at {@code offset}. The buffer's
     * position is not changed. Direct buffers are passed to libnrt as they are; heap buffers go through a
     * native staging copy.
     *
     * @param offset where in the tensor, in bytes
     * @param src the bytes
     * @throws IllegalArgumentException if the range does not fit in the tensor
     * @throws IllegalStateException if closed
     * @throws NeuronException if libnrt fails
     */
    public void write(long offset, ByteBuffer src) {
        transfer(offset, src, true);
    }

    /**
     * Copies {@code dst.remaining()} bytes of the tensor from {@code offset} into {@code dst}. The buffer's
     * position is not changed.
     *
     * @param offset where in the tensor, in bytes
     * @param dst where to put them (writable)
     * @throws IllegalArgumentException if the range does not fit in the tensor or dst is read-only
     * @throws IllegalStateException if closed
     * @throws NeuronException if libnrt fails
     */
    public void read(long offset, ByteBuffer dst) {
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("Tensor '" + name + "': cannot read into a read-only buffer");
        }
        transfer(offset, dst, false);
    }

    /**
     * Reads the whole tensor into a new direct buffer in native byte order.
     *
     * @return the contents
     * @throws IllegalStateException if closed, or larger than a ByteBuffer can hold (2 GiB)
     */
    public ByteBuffer readAll() {
        if (byteSize > Integer.MAX_VALUE) {
            throw new IllegalStateException("Tensor '" + name + "' is " + byteSize
                    + " bytes, more than a ByteBuffer holds; use read(offset, buffer) in parts");
        }
        ByteBuffer out = ByteBuffer.allocateDirect((int) byteSize).order(ByteOrder.nativeOrder());
        read(0, out);
        return out;
    }

    private void transfer(long offset, ByteBuffer buffer, boolean write) {
        long n = buffer.remaining();
        checkRange(offset, n);
        resource.acquire();
        try {
            if (n == 0) {
                return;
            }
            if (buffer.isDirect()) {
                // The ByteBuffer form of the binding: JNI takes the address (plus the position) itself, so
                // nothing is allocated on the Java heap per call.
                int status = write ? nrt.nrt_tensor_write(resource.handle, buffer, offset, n)
                        : nrt.nrt_tensor_read(resource.handle, buffer, offset, n);
                check(write, status, offset, n);
                return;
            }
            int chunk = (int) Math.min(n, 1 << 20);
            try (BytePointer staging = new BytePointer(chunk)) {
                byte[] array = new byte[chunk];
                int pos = buffer.position();
                for (long done = 0; done < n; ) {
                    int step = (int) Math.min(chunk, n - done);
                    if (write) {
                        buffer.get(pos + (int) done, array, 0, step);
                        staging.position(0).put(array, 0, step);
                        call(true, staging.position(0), offset + done, step);
                    } else {
                        call(false, staging.position(0), offset + done, step);
                        staging.position(0).get(array, 0, step);
                        buffer.put(pos + (int) done, array, 0, step);
                    }
                    done += step;
                }
            }
        } finally {
            resource.release();
        }
    }

    private void call(boolean write, BytePointer p, long offset, long n) {
        int status = write ? nrt.nrt_tensor_write(resource.handle, p, offset, n)
                : nrt.nrt_tensor_read(resource.handle, p, offset, n);
        check(write, status, offset, n);
    }

    private void check(boolean write, int status, long offset, long n) {
        if (status == 0) {
            return; // no message built on success
        }
        NeuronException.check(write ? "nrt_tensor_write" : "nrt_tensor_read", status,
                "tensor '" + name + "', " + n + " bytes at offset " + offset);
    }

    private void checkRange(long offset, long n) {
        if (offset < 0 || n < 0 || offset > byteSize - n) {
            throw new IllegalArgumentException("Tensor '" + name + "': " + n + " bytes at offset " + offset
                    + " do not fit in its " + byteSize + " bytes");
        }
    }

    /**
     * Fills a range with one byte value ({@code nrt_tensor_memset}).
     *
     * @param offset start, in bytes
     * @param size bytes to fill
     * @param value the byte value (0..255)
     */
    public void fill(long offset, long size, int value) {
        checkRange(offset, size);
        resource.acquire();
        try {
            NeuronException.check("nrt_tensor_memset", nrt.nrt_tensor_memset(resource.handle, offset, value, size),
                    "tensor '" + name + "'");
        } finally {
            resource.release();
        }
    }

    /**
     * A view of part of this tensor without copying ({@code nrt_tensor_allocate_slice}); the storage stays
     * alive until both are closed. Close the slice separately.
     *
     * @param offset start, in bytes
     * @param size length, in bytes (&gt; 0)
     * @param sliceName its name
     * @return the slice
     */
    public Tensor slice(long offset, long size, String sliceName) {
        checkRange(offset, size);
        if (size == 0) {
            throw new IllegalArgumentException("Tensor '" + name + "': a slice must not be empty");
        }
        NeuronRuntime runtime = resource.runtime;
        resource.acquire();
        try {
            runtime.acquire();
        } catch (RuntimeException e) {
            resource.release();
            throw e;
        }
        try {
            nrt_tensor_t handle = new nrt_tensor_t();
            NeuronException.check("nrt_tensor_allocate_slice", nrt.nrt_tensor_allocate_slice(resource.handle, offset,
                    size, sliceName, handle), "slice '" + sliceName + "' of tensor '" + name + "'");
            ByteBuffer region = null;
            if (view != null) {
                region = view.duplicate().position((int) offset).limit((int) (offset + size)).slice()
                        .order(ByteOrder.nativeOrder());
            }
            TensorResource r = new TensorResource(runtime.resource(), runtime, sliceName, handle, region,
                    resource.memory);
            return new Tensor(r, sliceName, size, core, region);
        } finally {
            resource.release();
            runtime.release();
        }
    }

    /**
     * A view of a host-backed tensor's bytes, native order, position 0 (no copy).
     *
     * @return the view
     * @throws UnsupportedOperationException for a device tensor
     * @throws IllegalStateException if closed
     */
    public ByteBuffer asByteBuffer() {
        resource.ensureOpen();
        if (view == null) {
            throw new UnsupportedOperationException("Tensor '" + name + "' lives in the device memory of core "
                    + core + " and has no host view; use read/write, or wrap a direct buffer instead");
        }
        return view.duplicate().order(ByteOrder.nativeOrder());
    }

    /** {@return a float32 view of a host-backed tensor (no copy)} @see #asByteBuffer() */
    public FloatBuffer asFloatBuffer() {
        return asByteBuffer().asFloatBuffer();
    }

    /** {@return an int32 view of a host-backed tensor (no copy)} @see #asByteBuffer() */
    public IntBuffer asIntBuffer() {
        return asByteBuffer().asIntBuffer();
    }

    /** {@return an int64 view of a host-backed tensor (no copy)} @see #asByteBuffer() */
    public LongBuffer asLongBuffer() {
        return asByteBuffer().asLongBuffer();
    }

    /** {@return a 16-bit view (float16 or bfloat16 bits, int16) of a host-backed tensor (no copy)} */
    public ShortBuffer asShortBuffer() {
        return asByteBuffer().asShortBuffer();
    }

    /** {@return whether the tensor is closed} */
    public boolean isClosed() {
        return resource.isClosed();
    }

    /**
     * Frees the tensor. Idempotent.
     *
     * @throws IllegalStateException if the tensor is bound into a live {@link Binding}
     */
    @Override
    public void close() {
        resource.close();
    }

    @Override
    public String toString() {
        return "Tensor[" + name + ", " + byteSize + " bytes, " + (view != null ? "host" : "core " + core)
                + (resource.isClosed() ? ", closed" : "") + "]";
    }

    TensorResource resource() {
        return resource;
    }

    nrt_tensor_t handle() {
        return resource.handle;
    }

    /** The native tensor, a leaf of the ownership tree; keeps a wrapped buffer reachable until freed. */
    static final class TensorResource extends NativeResource {
        final NeuronRuntime runtime;
        final nrt_tensor_t handle;
        @SuppressWarnings("unused") // keeps the caller's buffer reachable while libnrt uses it
        private ByteBuffer buffer;
        BytePointer memory;

        TensorResource(NativeResource owner, NeuronRuntime runtime, String name, nrt_tensor_t handle,
                ByteBuffer buffer, BytePointer memory) {
            super("Tensor", name, owner, Children.NONE);
            this.runtime = runtime;
            this.handle = handle;
            this.buffer = buffer;
            this.memory = memory;
        }

        @Override
        protected String pinnedMessage() {
            return "Tensor '" + name() + "' is bound into a live Binding; close the binding first";
        }

        @Override
        protected void free() {
            nrt.nrt_tensor_free(handle);
            buffer = null;
            memory = null;
        }
    }
}
