package dev.neuron4j.torch;

import static dev.neuron4j.torch.TorchFixtures.floats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import dev.neuron4j.DataType;
import dev.neuron4j.TensorSpec;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Native memory stays flat over many forwards: every call's native objects are released when the call (or
 * its result) closes, not by the garbage collector. Override the RSS run's count with
 * {@code -Dneuron4j.test.torchCalls=N}.
 */
class TorchMemoryTest {
    private static final Logger LOG = LoggerFactory.getLogger(TorchMemoryTest.class);
    private static final int CALLS = Integer.getInteger("neuron4j.test.torchCalls", 100_000);

    @TempDir
    Path dir;

    @Test
    void everyNativeObjectOfACallIsFreedWhenItsResultClosesOrKeptForTheNextCall() {
        ByteBuffer x = floats(1, 2, 3, 4);
        TensorSpec spec = TorchScriptModel.input("x", DataType.FLOAT32, 4);
        TorchScriptModel.load(TorchFixtures.tiny(dir), spec).close(); // libtorch loaded, first-use objects made
        long baseCount = Pointer.totalCount();
        long baseBytes = Pointer.totalBytes();
        TorchScriptResult survivor;
        try (TorchScriptModel model = TorchScriptModel.load(TorchFixtures.tiny(dir), spec)) {
            model.forward(x).close();
            long count = Pointer.totalCount();
            TorchScriptResult[] open = new TorchScriptResult[100];
            long[] afterRound = new long[2];
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < open.length; i++) {
                    open[i] = model.forward(x);
                }
                // Open results hold their outputs: each has its own native stack beyond the idle ones ...
                assertTrue(Pointer.totalCount() >= count + open.length - NativeModule.IDLE_LIMIT,
                        "live JavaCPP pointers with 100 open results: " + Pointer.totalCount());
                for (TorchScriptResult r : open) {
                    r.close();
                }
                // ... closing them frees all but a bounded number kept idle for later calls: nothing waits for
                // the GC, and nothing accumulates from round to round.
                afterRound[round] = Pointer.totalCount();
            }
            assertTrue(afterRound[0] - count <= 2L * NativeModule.IDLE_LIMIT,
                    "pointers kept idle after closing 100 results: " + (afterRound[0] - count));
            assertEquals(afterRound[0], afterRound[1], "live JavaCPP pointers after each round");
            survivor = model.forward(x);
        }
        // A result outlives its model; closing it frees its stack rather than keeping it for a closed model.
        assertEquals(3f, survivor.view(0).getFloat(0), "x * 2 + 1 at x = 1");
        survivor.close();
        // Closing the model and its last result frees the rest: exactly what was there before it was loaded.
        assertEquals(baseCount, Pointer.totalCount(), "live JavaCPP pointers");
        assertEquals(baseBytes, Pointer.totalBytes(), "JavaCPP-tracked native bytes");
    }

    /**
     * Java heap allocated per forward of the tiny model (forward, one view, close), after warm-up, over windows
     * of 10,000 calls (thread allocation counter; a one-off JVM event adds a few hundred bytes to one window,
     * far below one byte per call). Measured: 224 B per call (488 B with a JavaCPP deallocator per call; 2,032
     * before input slots, lazy specs and views); raw JavaCPP with its inputs reused and a PointerScope per
     * call: 368-400 B. The bound, 272 B, is the measured figure plus one JavaCPP pointer object (about 48 B)
     * at most: a new native object per call fails it.
     */
    @Test
    void forwardAllocatesABoundedAmountPerCall() {
        ByteBuffer x = floats(1, 2, 3, 4);
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (TorchScriptModel model = TorchScriptModel.load(TorchFixtures.tiny(dir),
                TorchScriptModel.input("x", DataType.FLOAT32, 4))) {
            float sum = 0;
            for (int i = 0; i < 20_000; i++) {
                try (TorchScriptResult r = model.forward(x)) {
                    sum += r.view(0).getFloat(0);
                }
            }
            long[] windows = new long[5];
            int measured = 0;
            do {
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 10_000; i++) {
                    try (TorchScriptResult r = model.forward(x)) {
                        sum += r.view(0).getFloat(0);
                    }
                }
                windows[measured] = (threads.getCurrentThreadAllocatedBytes() - before) / 10_000;
            } while (windows[measured++] > 272 && measured < windows.length);
            LOG.info("Java heap per forward (windows of 10,000): {} B", Arrays.toString(Arrays.copyOf(windows, measured)));
            assertEquals(3f * 30_000 + 3f * 10_000 * (measured - 1), sum, "x * 2 + 1 at x = 1");
            assertTrue(windows[measured - 1] <= 272, "B per forward, in every window: "
                    + Arrays.toString(Arrays.copyOf(windows, measured)));
        }
    }

    @Test
    void manyForwardsDoNotGrowResidentMemory() throws Exception {
        // A fresh JVM with a small fixed heap, so that RSS measures native memory rather than the Java heap
        // being touched for the first time (a default heap grows RSS by ~150 MiB over the same loop).
        TorchChild.Result child = TorchChild.run(entry -> false, List.of("-Xms64m", "-Xmx64m"), "memory",
                "20000", Integer.toString(CALLS));
        assertEquals(0, child.exitCode(), child.toString());
        long before = Long.parseLong(child.value("rssBefore"));
        long after = Long.parseLong(child.value("rssAfter"));
        LOG.info("{} forwards of the tiny model (child JVM, -Xmx64m): {} ns/call, RSS {} KiB -> {} KiB "
                + "(growth {} KiB), JavaCPP pointers {} -> {}", CALLS, child.value("nanosPerCall"), before >> 10,
                after >> 10, (after - before) >> 10, child.value("pointersBefore"), child.value("pointersAfter"));
        assertEquals(3f * CALLS, Float.parseFloat(child.value("sum"))); // x * 2 + 1 at x = 1
        assertEquals(child.value("pointersBefore"), child.value("pointersAfter"));
        // Left to the GC, the same loop grows by hundreds of MiB (200k calls: 728 MiB).
        assertTrue(after - before < 16L << 20, "RSS grew by " + ((after - before) >> 10) + " KiB");
    }
}
