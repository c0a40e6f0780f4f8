package dev.neuron4j.buckets;

import static dev.neuron4j.buckets.BucketFixtures.longs;
import static dev.neuron4j.buckets.BucketFixtures.textBucket;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neuron4j.DataType;
import dev.neuron4j.ModelReplicas;
import dev.neuron4j.NeffModel;
import dev.neuron4j.NeuronRuntime;
import dev.neuron4j.Placement;
import dev.neuron4j.RuntimeOptions;
import dev.neuron4j.testing.Emu;
import dev.neuron4j.testkit.EmulatorNeff;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Many threads on one set of buckets (NEFF models and replicas mixed), and close while they run. */
class ShapeBucketsConcurrencyTest {
    private NeuronRuntime runtime;

    @BeforeEach
    void open() {
        BucketFixtures.assumeEmulator();
        runtime = NeuronRuntime.open(RuntimeOptions.builder().environment("NEURON4J_EMU_CORES", "4").build());
    }

    @AfterEach
    void close() {
        if (runtime != null) {
            runtime.close();
        }
        Emu.assertNoLiveObjects();
    }

    /** b1 s32 and b8 s32 on core 0, b8 s128 as replicas on cores 1 to 3, each execution taking 200 us. */
    private ShapeBuckets buckets() {
        List<NeffModel> replicas = new ArrayList<>();
        for (int core = 1; core <= 3; core++) {
            replicas.add(runtime.load(slowTextNeff(8, 128), "text_b8_s128.neff", Placement.core(core)));
        }
        return ShapeBuckets.builder("concurrent").padValue("input_ids", 3)
                .bucket(runtime.load(slowTextNeff(1, 32), "text_b1_s32.neff", Placement.core(0)))
                .bucket(textBucket(runtime, 8, 32))
                .bucket(ModelReplicas.of("text_b8_s128", replicas)).build();
    }

    private static byte[] slowTextNeff(long batch, long sequence) {
        return EmulatorNeff.builder().name("slow").input("input_ids", DataType.INT64, batch, sequence)
                .input("attention_mask", DataType.INT64, batch, sequence).output("ids", DataType.INT64, batch, sequence)
                .output("mask", DataType.INT64, batch, sequence).op(EmulatorNeff.Op.IDENTITY).execMicros(200).toBytes();
    }

    private static Map<String, ShapedBuffer> request(long base, int rows) {
        return Map.of("input_ids", longs(base, rows, 7), "attention_mask", longs(base, rows, 7));
    }

    /** A third of the calls are batches of two requests, the checked one first. */
    @Test
    void concurrentRunsOfRandomShapesGetTheirOwnValuesBack() throws Exception {
        try (ShapeBuckets buckets = buckets()) {
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger[] perBucket = {new AtomicInteger(), new AtomicInteger(), new AtomicInteger()};
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 12; t++) {
                int seed = t;
                Thread thread = new Thread(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    try {
                        for (int k = 0; k < 150; k++) {
                            int rows = 1 + random.nextInt(8);
                            int sequence = 1 + random.nextInt(128);
                            long base = 1_000_000L * seed + 10_000L * k;
                            perBucket[buckets.select(Map.of("input_ids", new long[] {rows, sequence},
                                    "attention_mask", new long[] {rows, sequence})).index()].incrementAndGet();
                            Map<String, ShapedBuffer> request = Map.of("input_ids", longs(base, rows, sequence),
                                    "attention_mask", longs(-base, rows, sequence));
                            Map<String, ShapedBuffer> out = k % 3 == 0 && rows < 8
                                    ? buckets.runBatch(List.of(request, request(base + 1, 8 - rows))).get(0)
                                    : buckets.run(request);
                            assertArrayEquals(longs(base, rows, sequence).toLongs(), out.get("ids").toLongs());
                            assertArrayEquals(longs(-base, rows, sequence).toLongs(), out.get("mask").toLongs());
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                threads.add(thread);
                thread.start();
            }
            for (Thread thread : threads) {
                thread.join();
            }
            assertEquals(List.of(), failures);
            for (AtomicInteger count : perBucket) {
                assertTrue(count.get() > 0, "every bucket served some requests");
            }
        }
    }

    @Test
    void closeWhileRunningLetsCallsFinishOrFailAsClosedAndClosesTheModels() throws Exception {
        ShapeBuckets buckets = buckets();
        List<Throwable> unexpected = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger done = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            int rows = 1 + t;
            Thread thread = new Thread(() -> {
                try {
                    for (;;) {
                        Map<String, ShapedBuffer> out = buckets.run(Map.of("input_ids", longs(5, rows, 100),
                                "attention_mask", longs(1, rows, 100)));
                        assertArrayEquals(longs(5, rows, 100).toLongs(), out.get("ids").toLongs());
                        done.incrementAndGet();
                    }
                } catch (IllegalStateException closed) {
                    // expected once closed
                } catch (Throwable e) {
                    unexpected.add(e);
                }
            });
            threads.add(thread);
            thread.start();
        }
        while (done.get() < 20) {
            Thread.sleep(1);
        }
        buckets.close();
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(List.of(), unexpected);
        assertTrue(buckets.isClosed());
        for (Bucket b : buckets.buckets()) {
            assertTrue(b.model() instanceof ModelReplicas ? ((ModelReplicas) b.model()).isClosed()
                    : ((NeffModel) b.model()).isClosed(), b.describe());
        }
    }
}
