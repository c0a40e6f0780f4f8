package dev.neuron4j.torch;

import java.nio.ByteBuffer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.IValue;

/**
 * Runs forward on tensors wrapped zero-copy around the caller's buffers (between position and limit), with
 * the inputs from a pooled {@link InputSlot} and, when forward's arguments allow it, on a pooled
 * {@link Stack}.
 *
 * <p>Creates no native input object when the buffers are the ones of an earlier call (same objects, same
 * positions; see {@link InputSlot}), and switches gradients off for the call on this thread as
 * {@code NoGradGuard} does, without creating one. When the slot has an initial stack (see
 * {@link LoadedModule#initialStack}), runs forward's function on a pooled stack, as {@code Module::forward}
 * does after checking and completing its arguments, and when that returns one contiguous CPU tensor the stack
 * itself holds it until the result is closed (no copy, no scope, no new native object). Otherwise calls
 * {@code Module::forward}; results other than one contiguous CPU tensor go through a {@link PointerScope}
 * into {@link OwnedOutputs}.
 */
final class ForwardRunner {
    private final LoadedModule module;
    private final InputSlotCache slots;
    private final StackPool stacks;

    ForwardRunner(LoadedModule module, InputSlotCache slots, StackPool stacks) {
        this.module = module;
        this.slots = slots;
        this.stacks = stacks;
    }

    /**
     * Runs forward on one buffer ({@code single}, with {@code buffers} null) or several.
     *
     * @param templates one per buffer, in forward's argument order
     * @param buffers direct buffers, already checked for size, or null
     * @param single the one direct buffer, already checked for size, when {@code buffers} is null
     * @return the outputs, owning their tensors
     * @throws RuntimeException (JavaCPP's wrapper of a c10 error) if forward fails
     * @throws IllegalArgumentException if forward returns something other than tensors
     */
    Outputs run(InputTemplate[] templates, ByteBuffer[] buffers, ByteBuffer single) {
        InputSlot slot = slots.take();
        Stack stack = null;
        IValue result = null;
        boolean grad = false;
        try {
            ByteBuffer[] current = buffers;
            if (current == null) {
                current = slot.single;
                current[0] = single;
            }
            try {
                slot.prepare(templates, current);
            } catch (RuntimeException | Error e) {
                slot.close();
                throw e;
            } finally {
                slot.single[0] = null;
            }
            grad = GradMode.is_enabled();
            if (grad) {
                GradMode.set_enabled(false);
            }
            if (slot.initialStack() != null) {
                stack = stacks.take();
                stack.vector.put(slot.initialStack()); // copy-assign: no reallocation once the vector has grown
                module.run(stack.vector);
            } else {
                result = module.forward(slot.arguments());
            }
        } catch (RuntimeException | Error e) {
            if (stack != null) {
                stacks.recycle(stack);
            }
            throw e;
        } finally {
            if (grad) {
                GradMode.set_enabled(true);
            }
            slots.giveBack(slot);
        }
        return stack != null ? outputs(stack) : OwnedOutputs.of(result);
    }

    /** The outputs forward left on a stack: the stack itself, or owned copies (then the stack is recycled). */
    private Outputs outputs(Stack stack) {
        boolean kept = false;
        try {
            if (stack.keepSingleOutput()) {
                kept = true;
                return stack;
            }
            return OwnedOutputs.copyOf(stack.vector);
        } finally {
            if (!kept) {
                stacks.recycle(stack);
            }
        }
    }
}
