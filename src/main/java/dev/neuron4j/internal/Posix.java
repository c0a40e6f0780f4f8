package dev.neuron4j.internal;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.MemberGetter;
import org.bytedeco.javacpp.annotation.NoException;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * The few libc calls Java cannot make itself: changing the process environment before {@code nrt_init}
 * (libnrt reads {@code NEURON_RT_*} with {@code getenv}, and {@link System#getenv()} is a startup snapshot),
 * and mapping NEFF files of any size ({@code FileChannel.map} stops at 2 GiB).
 *
 * <p>Hand-written JavaCPP class, compiled into its own JNI library ({@code jniPosix}) by the
 * {@code javacpp-compiler} execution of the pom. It needs libc only, not libnrt.
 *
 * <p>{@code setenv}/{@code unsetenv} are not thread-safe against concurrent {@code getenv} in glibc: call them
 * only under {@code NeuronRuntime}'s open lock, before {@code nrt_init}.
 */
@NoException
@Platform(include = {"<stdlib.h>", "<string.h>", "<errno.h>", "<fcntl.h>", "<unistd.h>", "<sys/mman.h>"})
public final class Posix {
    static {
        Loader.load();
    }

    private Posix() {}

    /** Makes sure the JNI library is loaded (the static initialiser does it). */
    public static void load() {
        // the static initialiser loaded it
    }

    /** {@code setenv(3)}; returns 0 or -1 (see {@link #errno()}). */
    public static native int setenv(String name, String value, int overwrite);

    /** {@code unsetenv(3)}; returns 0 or -1. */
    public static native int unsetenv(String name);

    /** {@code getenv(3)}: the live value, or a null pointer. */
    public static native @Cast("const char*") BytePointer getenv(String name);

    /** {@code open(2)}. */
    public static native int open(String path, int flags);

    /** {@code close(2)}. */
    public static native int close(int fd);

    /** {@code lseek(2)}. */
    public static native @Cast("off_t") long lseek(int fd, @Cast("off_t") long offset, int whence);

    /** {@code mmap(2)}; {@code MAP_FAILED} has address -1. */
    public static native Pointer mmap(Pointer addr, @Cast("size_t") long length, int prot, int flags, int fd,
            @Cast("off_t") long offset);

    /** {@code munmap(2)}. */
    public static native int munmap(Pointer addr, @Cast("size_t") long length);

    /** {@code strerror(3)}. */
    public static native @Cast("const char*") BytePointer strerror(int errnum);

    /** The calling thread's {@code errno}. */
    @MemberGetter
    public static native int errno();

    /** {@code O_RDONLY}. */
    @MemberGetter
    public static native int O_RDONLY();

    /** {@code O_CLOEXEC}. */
    @MemberGetter
    public static native int O_CLOEXEC();

    /** {@code SEEK_END}. */
    @MemberGetter
    public static native int SEEK_END();

    /** {@code PROT_READ}. */
    @MemberGetter
    public static native int PROT_READ();

    /** {@code MAP_PRIVATE}. */
    @MemberGetter
    public static native int MAP_PRIVATE();

    /** The current value of an environment variable as libc sees it, or null. */
    public static String getenvString(String name) {
        BytePointer value = getenv(name);
        return value == null || value.isNull() ? null : value.getString();
    }

    /** {@code strerror(errno())}, for messages. */
    public static String lastError() {
        int e = errno();
        BytePointer s = strerror(e);
        return (s == null || s.isNull() ? "errno" : s.getString()) + " (errno " + e + ")";
    }
}
