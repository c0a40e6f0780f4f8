package dev.neuron4j.torch;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * A bounded set of idle objects kept for reuse, safe for any number of threads: an array of places, each
 * empty or holding one idle object. A thread starts at its own place (by thread id), so a thread that calls
 * repeatedly tends to get back what it gave back. Taking and offering allocate nothing.
 */
final class IdlePool<T> {
    private final AtomicReferenceArray<T> places;

    /** Creates a pool that keeps at most {@code capacity} idle objects. */
    IdlePool(int capacity) {
        this.places = new AtomicReferenceArray<>(capacity);
    }

    /** {@return an idle object taken out of the pool, or null if none is idle} */
    T take() {
        int n = places.length();
        int home = (int) (Thread.currentThread().getId() % n);
        for (int k = 0; k < n; k++) {
            T idle = places.getAndSet((home + k) % n, null);
            if (idle != null) {
                return idle;
            }
        }
        return null;
    }

    /** {@return whether the pool kept the object (false: every place is taken)} */
    boolean offer(T object) {
        int n = places.length();
        int home = (int) (Thread.currentThread().getId() % n);
        for (int k = 0; k < n; k++) {
            if (places.compareAndSet((home + k) % n, null, object)) {
                return true;
            }
        }
        return false;
    }

    /** Takes every idle object out of the pool and frees it. */
    void drain(Consumer<? super T> free) {
        for (int i = 0; i < places.length(); i++) {
            T idle = places.getAndSet(i, null);
            if (idle != null) {
                free.accept(idle);
            }
        }
    }
}
