package dev.neuron4j.torch;

/**
 * The idle {@link InputSlot}s of one module: a call takes one (preferably the one its thread used last) and
 * gives it back, so that the next call with the same buffers creates no native input object.
 */
final class InputSlotCache {
    private final LoadedModule module;
    private final IdlePool<InputSlot> idle;

    InputSlotCache(LoadedModule module, int idleLimit) {
        this.module = module;
        this.idle = new IdlePool<>(idleLimit);
    }

    /** {@return an idle slot, or a new empty one if none is idle} */
    InputSlot take() {
        InputSlot slot = idle.take();
        return slot != null ? slot : new InputSlot(module);
    }

    /** Keeps the slot for a later call, or frees its inputs if enough slots are idle. */
    void giveBack(InputSlot slot) {
        if (!idle.offer(slot)) {
            slot.close(); // more calls at once than slots: this one is not kept
        }
    }

    /** Frees the idle slots; no call may be running. */
    void close() {
        idle.drain(InputSlot::close);
    }
}
