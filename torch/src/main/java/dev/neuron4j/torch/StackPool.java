package dev.neuron4j.torch;

/**
 * The idle {@link Stack}s of one module: a call takes one, its result gives it back when closed (from any
 * thread, possibly after the module is closed, when the stack is freed instead of kept).
 */
final class StackPool {
    private final IdlePool<Stack> idle;
    private volatile boolean closed;

    StackPool(int idleLimit) {
        this.idle = new IdlePool<>(idleLimit);
    }

    /** {@return an idle stack, or a new one if none is idle} */
    Stack take() {
        Stack stack = idle.take();
        return stack != null ? stack : new Stack(this);
    }

    /** Empties a stack (releasing what it holds) and keeps it for a later call, or frees it. Any thread. */
    void recycle(Stack stack) {
        stack.vector.clear();
        if (!closed && idle.offer(stack)) {
            if (closed) {
                idle.drain(Stack::free); // close() may have drained before our offer: free what is left
            }
            return;
        }
        stack.free();
    }

    /** Frees the idle stacks; stacks still held by open results are freed when those close. */
    void close() {
        closed = true;
        idle.drain(Stack::free);
    }
}
