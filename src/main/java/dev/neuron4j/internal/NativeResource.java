package dev.neuron4j.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle of one native object (runtime, model, tensor, binding): one atomic state word holding a
 * closed flag, a freeing flag, a pin count and a use count; and its place in the one ownership tree of
 * neuron4j's native objects (a parent, and the {@link Children} it adopts).
 *
 * <ul>
 *   <li>{@link #acquire()} / {@link #release()} bracket every native call on the object; acquire fails with
 *       {@link IllegalStateException} "&lt;kind&gt; '&lt;name&gt;' is closed" once closing has begun. Both are a single CAS
 *       / atomic add and allocate nothing.
 *   <li>{@link #close()} sets the closed flag exactly once (the winner of the CAS), waits until the in-flight
 *       uses have drained, closes the live children (see {@link Children}: quiesced, then closed forced in
 *       the order the parent declared), then calls {@link #free()} once, and finally leaves its parent. Every
 *       later close, from the user, a parent or the {@link Cleaner}, returns {@code false} without touching
 *       native code.
 *   <li>{@link #pin()} marks the object as referenced by another native object (a tensor in a live tensor
 *       set): a user close then fails, a parent close ({@link #closeForced()}) still proceeds.
 *   <li>{@link #quiesce()} closes the object to new uses and waits for the running ones without freeing it
 *       yet: a parent quiesces all its children before closing the first, so that, e.g., a model's bindings
 *       have all stopped executing before any is freed and before {@code nrt_unload}; an execution needs to
 *       guard only its binding, not the model too. A later {@link #close()} / {@link #closeForced()} frees it.
 *   <li>{@link #beginExclusiveUse(String)} / {@link #endExclusiveUse()} bracket a use that must not overlap
 *       another one of the same object (a binding's execution: its tensors serve one execution at a time). A
 *       second concurrent one fails with {@link IllegalStateException}; close waits for the running one.
 *       Cheaper than acquire/release: one CAS and a plain store instead of two atomic read-modify-writes.
 * </ul>
 *
 * <p>A child joins its parent in its constructor, so it must be created while its parent cannot finish
 * closing: the creator holds a use of the parent ({@link #acquire()}), or the parent is not yet published.
 * The parent's close then waits for that use, and finds the child among its children.
 *
 * <p>Subclasses must not reference the public object that owns them, so that the owner can become
 * unreachable and the {@link #CLEANER} can run {@link #clean()}.
 */
public abstract class NativeResource {
    /** The one cleaner of neuron4j (a single daemon thread). */
    public static final Cleaner CLEANER = Cleaner.create();

    private static final Logger LOG = LoggerFactory.getLogger(NativeResource.class);
    private static final long CLOSED = Long.MIN_VALUE; // no new uses
    private static final long FREEING = 1L << 62; // free() claimed by one close
    private static final long PIN = 1L << 32;
    private static final long USES = 0xFFFF_FFFFL;
    private static final long PINS = ~CLOSED & ~FREEING & ~USES;

    private static final VarHandle EXCLUSIVE;

    static {
        try {
            EXCLUSIVE = MethodHandles.lookup().findVarHandle(NativeResource.class, "exclusive", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final AtomicLong state = new AtomicLong();
    private volatile int exclusive; // 1 while an exclusive use runs (written through EXCLUSIVE)
    private final String kind;
    private final String name;
    private final NativeResource parent; // null for a root
    private final Children children;

    /**
     * A root that adopts nothing.
     *
     * @param kind what the object is, for messages ("Model", "Tensor")
     * @param name its name, for messages
     */
    protected NativeResource(String kind, String name) {
        this(kind, name, null, Children.NONE);
    }

    /**
     * A resource in the ownership tree: it joins {@code parent}'s children now, and leaves them once freed.
     *
     * @param kind what the object is, for messages ("Model", "Tensor")
     * @param name its name, for messages
     * @param parent the resource whose close closes this one, or null for a root; its creator must keep it
     *     from finishing a close meanwhile (see the class description)
     * @param children what this resource adopts, in close order ({@link Children#NONE} for a leaf)
     * @throws IllegalArgumentException if {@code parent} does not adopt this kind
     */
    protected NativeResource(String kind, String name, NativeResource parent, Children children) {
        this.kind = kind;
        this.name = name;
        this.parent = parent;
        this.children = children;
        if (parent != null) {
            parent.children.adopt(parent, this);
        }
    }

    /** {@return the kind, e.g. "Tensor"} */
    public final String kind() {
        return kind;
    }

    /** {@return the name} */
    public final String name() {
        return name;
    }

    /** {@return e.g. "tensor 'x'"} */
    public final String describe() {
        return kind.toLowerCase(java.util.Locale.ROOT) + " '" + name + "'";
    }

    /** Starts a use; pair with {@link #release()} in a finally block. Allocation-free unless it throws. */
    public final void acquire() {
        for (;;) {
            long s = state.get();
            if (s < 0) {
                throw closedException();
            }
            if ((s & USES) == USES) {
                throw new IllegalStateException(kind + " '" + name + "': too many concurrent uses");
            }
            if (state.compareAndSet(s, s + 1)) {
                return;
            }
        }
    }

    /** Ends a use started by {@link #acquire()}. */
    public final void release() {
        state.decrementAndGet();
    }

    /**
     * Starts a use that no other exclusive use of this object may overlap; pair with {@link #endExclusiveUse()}
     * in a finally block. Allocation-free unless it throws.
     *
     * @param inUseMessage the message when another exclusive use is running
     * @throws IllegalStateException if another exclusive use is running, or once closing has begun
     */
    public final void beginExclusiveUse(String inUseMessage) {
        if (!EXCLUSIVE.compareAndSet(this, 0, 1)) {
            throw state.get() < 0 ? closedException() : new IllegalStateException(inUseMessage);
        }
        // Read after the CAS, as close reads the flag after setting CLOSED: one of the two sees the other.
        if (state.get() < 0) {
            EXCLUSIVE.setRelease(this, 0);
            throw closedException();
        }
    }

    /** Ends a use started by {@link #beginExclusiveUse(String)} (a release store: no atomic read-modify-write). */
    public final void endExclusiveUse() {
        EXCLUSIVE.setRelease(this, 0);
    }

    /** {@return whether closing has begun} */
    public final boolean isClosed() {
        return state.get() < 0;
    }

    /** Throws the closed exception if closing has begun (a check without a use). */
    public final void ensureOpen() {
        if (state.get() < 0) {
            throw closedException();
        }
    }

    /** {@return the IllegalStateException for a use after close} */
    public final IllegalStateException closedException() {
        return new IllegalStateException(kind + " '" + name + "' is closed");
    }

    /** Pins the object (it is referenced natively by another live object); fails if closed. */
    public final void pin() {
        for (;;) {
            long s = state.get();
            if (s < 0) {
                throw closedException();
            }
            if (state.compareAndSet(s, s + PIN)) {
                return;
            }
        }
    }

    /** Removes one pin. */
    public final void unpin() {
        state.addAndGet(-PIN);
    }

    /** {@return whether the object is pinned} */
    public final boolean isPinned() {
        return (state.get() & PINS) != 0;
    }

    /**
     * Closes at the user's request: refuses a pinned object with the message of {@link #pinnedMessage()}.
     *
     * @return true if this call freed the object, false if it was already closed
     */
    public final boolean close() {
        return close(false);
    }

    /**
     * Closes at a parent's request (runtime or model close), pinned or not.
     *
     * @return true if this call freed the object, false if it was already closed
     */
    public final boolean closeForced() {
        return close(true);
    }

    /** Run by the cleaner when the owner became unreachable without being closed: frees and logs a WARN. */
    public final void clean() {
        try {
            if (!isPinned() && close(true)) {
                LOG.warn("{} '{}' was not closed; the cleaner freed it (close it, e.g. with try-with-resources)",
                        kind, name);
            }
        } catch (RuntimeException e) {
            LOG.warn("The cleaner could not free {} '{}'", kind, name, e);
        }
    }

    /**
     * Closes the object to new uses (pinned or not) and waits until the running uses have ended, but does not
     * free it: the next {@link #close()} or {@link #closeForced()} does. Returns at once if already closed and
     * drained.
     */
    public final void quiesce() {
        for (;;) {
            long s = state.get();
            if (s < 0 || state.compareAndSet(s, s | CLOSED)) {
                break;
            }
        }
        awaitUses();
    }

    private boolean close(boolean force) {
        for (;;) {
            long s = state.get();
            if ((s & FREEING) != 0) {
                return false;
            }
            if (!force && (s & PINS) != 0) {
                throw new IllegalStateException(pinnedMessage());
            }
            if (state.compareAndSet(s, s | CLOSED | FREEING)) {
                break;
            }
        }
        awaitUses();
        try {
            closing(children.describeOpen());
            closeChildrenThenFree();
        } finally {
            if (parent != null) {
                parent.children.forget(this);
            }
        }
        return true;
    }

    /** Frees this object even if closing a child failed; then rethrows that failure. */
    private void closeChildrenThenFree() {
        try {
            children.closeAll();
        } catch (RuntimeException e) {
            try {
                free();
            } catch (RuntimeException also) {
                e.addSuppressed(also);
            }
            throw e;
        }
        free();
    }

    /** {@return the children this resource adopts} */
    final Children children() {
        return children;
    }

    /**
     * Called once, by the close that frees this object, after its uses have drained and before its children
     * are closed; does nothing unless overridden.
     *
     * @param open what is still open below this object, e.g. {@code model 'add.neff'}, children before their
     *     own children (children that are {@link Children#parts parts} are not named)
     */
    protected void closing(List<String> open) {}

    /** {@return the message of a user close refused because the object is pinned} */
    protected String pinnedMessage() {
        return kind + " '" + name + "' is in use by another object; close that first";
    }

    private void awaitUses() {
        int spins = 0;
        while ((state.get() & USES) != 0 || exclusive != 0) {
            if (spins++ < 200) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(50_000);
            }
        }
    }

    /** Frees the native object; called exactly once, after every use has ended and the children are closed. */
    protected abstract void free();

    @Override
    public String toString() {
        return describe() + (isClosed() ? " (closed)" : "");
    }
}
