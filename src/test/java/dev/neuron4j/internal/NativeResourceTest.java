package dev.neuron4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The state word of {@link NativeResource}: uses, close, pins and quiesce, without native code. */
class NativeResourceTest {
    private static final class Counting extends NativeResource {
        final AtomicInteger frees = new AtomicInteger();

        Counting() {
            super("Thing", "t");
        }

        @Override
        protected void free() {
            frees.incrementAndGet();
        }
    }

    @Test
    void quiesceWaitsForRunningUsesAndRefusesNewOnesButDoesNotFree() throws Exception {
        Counting r = new Counting();
        r.acquire();
        CompletableFuture<Void> quiesced = CompletableFuture.runAsync(r::quiesce);
        // A new use is refused as soon as quiesce has closed the gate, while the running one still holds.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!r.isClosed() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertTrue(r.isClosed());
        assertEquals("Thing 't' is closed", assertThrows(IllegalStateException.class, r::acquire).getMessage());
        assertFalse(quiesced.isDone(), "quiesce returned while a use was running");
        r.release();
        quiesced.get(10, TimeUnit.SECONDS);
        assertEquals(0, r.frees.get(), "quiesce must not free");

        assertTrue(r.closeForced(), "the first close after quiesce frees");
        assertFalse(r.close());
        assertFalse(r.closeForced());
        assertEquals(1, r.frees.get());
    }

    @Test
    void quiesceAfterCloseReturnsAndCloseFreesOnce() {
        Counting r = new Counting();
        assertTrue(r.close());
        r.quiesce();
        assertFalse(r.closeForced());
        assertEquals(1, r.frees.get());
    }

    @Test
    void exclusiveUseExcludesASecondOneAndCloseWaitsForIt() throws Exception {
        Counting r = new Counting();
        r.beginExclusiveUse("busy");
        assertEquals("busy", assertThrows(IllegalStateException.class, () -> r.beginExclusiveUse("busy")).getMessage());
        r.acquire(); // plain uses are independent of the exclusive one
        r.release();
        CompletableFuture<Boolean> closed = CompletableFuture.supplyAsync(r::close);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!r.isClosed() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertTrue(r.isClosed());
        assertFalse(closed.isDone(), "close returned while the exclusive use was running");
        assertEquals(0, r.frees.get());
        // While closing, a second exclusive use reports the close, not "busy".
        assertEquals("Thing 't' is closed",
                assertThrows(IllegalStateException.class, () -> r.beginExclusiveUse("busy")).getMessage());
        r.endExclusiveUse();
        assertTrue(closed.get(10, TimeUnit.SECONDS));
        assertEquals(1, r.frees.get());
        assertEquals("Thing 't' is closed",
                assertThrows(IllegalStateException.class, () -> r.beginExclusiveUse("busy")).getMessage());
    }

    @Test
    void userCloseOfAPinnedResourceIsRefusedParentCloseProceeds() {
        Counting r = new Counting();
        r.pin();
        assertThrows(IllegalStateException.class, r::close);
        assertFalse(r.isClosed());
        r.quiesce();
        assertThrows(IllegalStateException.class, r::close, "still pinned after quiesce");
        assertTrue(r.closeForced());
        assertEquals(1, r.frees.get());
    }
}
