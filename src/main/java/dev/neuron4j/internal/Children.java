package dev.neuron4j.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The children of one {@link NativeResource}: which kinds it adopts, the order its close closes them in, and
 * the ones still open. Each kind of parent declares this once, in its constructor; a child joins at creation
 * ({@link NativeResource#NativeResource(String, String, NativeResource, Children)}) and leaves when it has been
 * freed.
 *
 * <p>When the parent closes, after its own uses have drained: every live child is quiesced (closed to new
 * uses, its running uses waited for), then each is closed, forced (pinned or not), kind by kind in the declared
 * order; then the parent frees itself. A child whose close throws stops neither its siblings nor the parent's
 * free; the first such exception is rethrown afterwards.
 *
 * <p>Thread-safe.
 */
public final class Children {
    /** For a resource that adopts nothing. */
    public static final Children NONE = new Children(List.of(), false);

    private final List<Class<?>> order;
    private final boolean parts;
    private final Set<NativeResource> live;

    private Children(List<Class<?>> order, boolean parts) {
        this.order = order;
        this.parts = parts;
        this.live = order.isEmpty() ? Set.of() : ConcurrentHashMap.newKeySet();
    }

    /**
     * Children that are objects of their own (the user opened them): a report of what is left open names them.
     * Create one per parent.
     *
     * @param kinds the classes of the children, in the order the parent's close closes them
     * @return the (empty) children of a new parent
     */
    public static Children closedInOrder(Class<?>... kinds) {
        return new Children(List.of(kinds), false);
    }

    /**
     * Children that are parts of their parent (it created them for itself): a report of what is left open
     * names only the parent. Create one per parent.
     *
     * @param kinds the classes of the children, in the order the parent's close closes them
     * @return the (empty) children of a new parent
     */
    public static Children parts(Class<?>... kinds) {
        return new Children(List.of(kinds), true);
    }

    void adopt(NativeResource parent, NativeResource child) {
        if (!order.contains(child.getClass())) {
            throw new IllegalArgumentException(parent.describe() + " does not adopt a "
                    + child.getClass().getSimpleName() + "; it adopts " + order);
        }
        live.add(child);
    }

    void forget(NativeResource child) {
        live.remove(child);
    }

    /** {@return what is still open below the parent, children before their own children; none for parts} */
    List<String> describeOpen() {
        if (parts || live.isEmpty()) {
            return List.of();
        }
        List<String> open = new ArrayList<>();
        for (NativeResource child : inOrder()) {
            open.add(child.describe());
            open.addAll(child.children().describeOpen());
        }
        return open;
    }

    /** Quiesces every live child, then closes each (forced) in the declared order. */
    void closeAll() {
        if (live.isEmpty()) {
            return;
        }
        List<NativeResource> children = inOrder();
        for (NativeResource child : children) {
            child.quiesce();
        }
        RuntimeException failure = null;
        for (NativeResource child : children) {
            try {
                child.closeForced();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** A snapshot of the live children, kind by kind in the declared order. */
    private List<NativeResource> inOrder() {
        List<NativeResource> snapshot = List.copyOf(live);
        List<NativeResource> ordered = new ArrayList<>(snapshot.size());
        for (Class<?> kind : order) {
            for (NativeResource child : snapshot) {
                if (child.getClass() == kind) {
                    ordered.add(child);
                }
            }
        }
        return ordered;
    }
}
