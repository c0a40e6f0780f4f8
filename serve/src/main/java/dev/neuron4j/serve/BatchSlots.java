package dev.neuron4j.serve;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The places of a {@link BatchRunner}'s batches in hand: one slot per batch that may run at once (e.g. a core and
 * its input buffers). The batcher hands out at most {@link #size()} batches at once, so a slot is always free
 * when a batch starts. Thread-safe.
 *
 * @param <T> what a slot holds
 */
final class BatchSlots<T> {
    private final BlockingQueue<T> free;
    private final int size;

    /** @param slots every slot, all free */
    BatchSlots(List<T> slots) {
        this.size = slots.size();
        this.free = new ArrayBlockingQueue<>(size, false, slots);
    }

    /** {@return how many batches may be in hand at once} */
    int size() {
        return size;
    }

    /**
     * {@return a free slot, for one batch; give it back with {@link #give}}
     *
     * @throws IllegalStateException if none is free (more batches at once than slots: a batcher bug)
     */
    T take() {
        T slot = free.poll();
        if (slot == null) {
            throw new IllegalStateException("more batches at once than the " + size + " slot(s)");
        }
        return slot;
    }

    /** Frees a slot {@link #take} gave. */
    void give(T slot) {
        free.add(slot);
    }
}
