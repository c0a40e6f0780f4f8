package dev.neuron4j.buckets;

import static dev.neuron4j.buckets.BucketFixtures.longs;
import static dev.neuron4j.buckets.BucketFixtures.matmulBucket;
import static dev.neuron4j.buckets.BucketFixtures.textBucket;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neuron4j.DataType;
import dev.neuron4j.NeffModel;
import dev.neuron4j.NeuronRuntime;
import dev.neuron4j.testing.Emu;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Selection, padding and slicing on emulator NEFFs whose outputs are their inputs (or a matmul of them). */
class ShapeBucketsTest {
    private static final long PAD_ID = 7;

    private NeuronRuntime runtime;

    @BeforeEach
    void open() {
        BucketFixtures.assumeEmulator();
        runtime = NeuronRuntime.open();
    }

    @AfterEach
    void close() {
        if (runtime != null) {
            runtime.close();
        }
        Emu.assertNoLiveObjects();
    }

    /** Sequence 32/64/128 x batch 1/8, given in an order unlike their sizes. */
    private ShapeBuckets text(Overflow overflow, BucketFixtures.RecordingModel... recorders) {
        ShapeBuckets.Builder b = ShapeBuckets.builder("text").padValue("input_ids", PAD_ID).overflow(overflow);
        long[][] shapes = {{8, 32}, {1, 128}, {1, 32}, {8, 128}, {1, 64}, {8, 64}};
        for (int i = 0; i < shapes.length; i++) {
            NeffModel m = textBucket(runtime, shapes[i][0], shapes[i][1]);
            b.bucket(i < recorders.length ? (recorders[i] = new BucketFixtures.RecordingModel(m, false)) : m);
        }
        return b.build();
    }

    private static Map<String, long[]> shapes(long rows, long sequence) {
        return Map.of("input_ids", new long[] {rows, sequence}, "attention_mask", new long[] {rows, sequence});
    }

    private static Map<String, ShapedBuffer> request(int rows, int sequence) {
        return Map.of("input_ids", longs(100, rows, sequence), "attention_mask", longs(1, rows, sequence));
    }

    @Test
    void theSmallestBucketThatHoldsTheRequestIsChosen() {
        try (ShapeBuckets buckets = text(Overflow.REFUSE)) {
            // Buckets by index: 0 b8s32, 1 b1s128, 2 b1s32, 3 b8s128, 4 b1s64, 5 b8s64.
            assertEquals(2, buckets.select(shapes(1, 1)).index());
            assertEquals(2, buckets.select(shapes(1, 32)).index());
            assertEquals(4, buckets.select(shapes(1, 33)).index());
            assertEquals(1, buckets.select(shapes(1, 100)).index());
            assertEquals(0, buckets.select(shapes(2, 5)).index());
            assertEquals(5, buckets.select(shapes(8, 64)).index());
            assertEquals(3, buckets.select(shapes(3, 65)).index());
            // The batcher's question: R rows of longest sequence S.
            Bucket b = buckets.select(shapes(5, 40));
            assertArrayEquals(new long[] {8, 64}, b.shape("input_ids"));
            assertEquals(8 * 64 * 2, b.elementCount());
            assertEquals("text_b8_s64.neff", b.model().name());
            assertEquals(buckets.buckets().get(3), buckets.largest());
        }
    }

    @Test
    void tiesGoToTheBucketGivenFirst() {
        // [2, 64] and [4, 32] have as many elements; the request [2, 32] fits both.
        try (ShapeBuckets first = ShapeBuckets.builder("ties").bucket(textBucket(runtime, 2, 64))
                .bucket(textBucket(runtime, 4, 32)).build();
             ShapeBuckets second = ShapeBuckets.builder("ties").bucket(textBucket(runtime, 4, 32))
                .bucket(textBucket(runtime, 2, 64)).build()) {
            assertEquals(0, first.select(shapes(2, 32)).index());
            assertEquals(0, second.select(shapes(2, 32)).index());
            assertEquals(1, first.select(shapes(3, 1)).index());
        }
    }

    @Test
    void theModelSeesEachInputPaddedWithItsPadValue() {
        BucketFixtures.RecordingModel[] recorded = new BucketFixtures.RecordingModel[6];
        try (ShapeBuckets buckets = text(Overflow.REFUSE, recorded)) {
            buckets.run(request(2, 3)); // to bucket 0, [8, 32]
            long[] ids = recorded[0].longsOf(0, "input_ids");
            long[] mask = recorded[0].longsOf(0, "attention_mask");
            assertEquals(8 * 32, ids.length);
            for (int r = 0; r < 8; r++) {
                for (int c = 0; c < 32; c++) {
                    boolean inRequest = r < 2 && c < 3;
                    assertEquals(inRequest ? 100 + 1000 * r + c : PAD_ID, ids[r * 32 + c], "input_ids " + r + "," + c);
                    assertEquals(inRequest ? 1 + 1000 * r + c : 0, mask[r * 32 + c], "attention_mask " + r + "," + c);
                }
            }
            // A reused padded buffer is padded afresh: a shorter second request leaves nothing of the first.
            buckets.run(request(1, 1));
            assertEquals(1, recorded[2].runs.size()); // [1, 1] goes to bucket 2, [1, 32]
            buckets.run(Map.of("input_ids", longs(500, 1, 2), "attention_mask", longs(0, 1, 2)));
            buckets.run(Map.of("input_ids", longs(500, 2, 2), "attention_mask", longs(0, 2, 2)));
            long[] again = recorded[0].longsOf(1, "input_ids");
            long[] expected = new long[8 * 32];
            Arrays.fill(expected, PAD_ID);
            expected[0] = 500;
            expected[1] = 501;
            expected[32] = 1500;
            expected[33] = 1501;
            assertArrayEquals(expected, again);
        }
    }

    @Test
    void outputsAreSlicedBackToTheRequest() {
        try (ShapeBuckets buckets = text(Overflow.REFUSE)) {
            for (int[] shape : new int[][] {{1, 1}, {1, 32}, {1, 33}, {3, 17}, {8, 64}, {8, 128}, {5, 100}}) {
                Map<String, ShapedBuffer> out = buckets.run(request(shape[0], shape[1]));
                assertEquals(List.of("ids", "mask"), List.copyOf(out.keySet()));
                assertEquals("int64[" + shape[0] + ", " + shape[1] + "]", out.get("ids").describe());
                assertArrayEquals(longs(100, shape[0], shape[1]).toLongs(), out.get("ids").toLongs());
                assertArrayEquals(longs(1, shape[0], shape[1]).toLongs(), out.get("mask").toLongs());
            }
        }
    }

    @Test
    void logitsFollowTheRowsAndPaddingIsHarmless() {
        // features [b, s] x weights [s, 2]: zero padding of both adds nothing to the logits [b, 2].
        try (ShapeBuckets buckets = ShapeBuckets.builder("logits").bucket(matmulBucket(runtime, 1, 4, 2))
                .bucket(matmulBucket(runtime, 4, 8, 2)).build()) {
            float[] features = {1, 2, 3, 4, 5, 6}; // [2, 3]
            float[] weights = {1, 0, 0, 1, 1, 1}; // [3, 2]
            Map<String, ShapedBuffer> out = buckets.run(Map.of("features", ShapedBuffer.ofFloats(features, 2, 3),
                    "weights", ShapedBuffer.ofFloats(weights, 3, 2)));
            assertEquals("float32[2, 2]", out.get("logits").describe());
            assertArrayEquals(new float[] {1 + 3, 2 + 3, 4 + 6, 5 + 6}, out.get("logits").toFloats());
            Map<String, ShapedBuffer> one = buckets.run(Map.of("features", ShapedBuffer.ofFloats(new float[] {1, 2}, 1, 2),
                    "weights", ShapedBuffer.ofFloats(new float[] {3, 4, 5, 6}, 2, 2)));
            assertEquals("float32[1, 2]", one.get("logits").describe());
            assertArrayEquals(new float[] {1 * 3 + 2 * 5, 1 * 4 + 2 * 6}, one.get("logits").toFloats());
        }
    }

    @Test
    void int32AndFloat32InputsArePaddedAndSlicedToo() {
        try (ShapeBuckets ints = ShapeBuckets.builder("int32").padValue("x", -1)
                .bucket(BucketFixtures.identityBucket(runtime, DataType.INT32, 2, 4))
                .bucket(BucketFixtures.identityBucket(runtime, DataType.INT32, 2, 8)).build();
             ShapeBuckets floats = ShapeBuckets.builder("float32").padValue("x", 0.5)
                .bucket(BucketFixtures.identityBucket(runtime, DataType.FLOAT32, 3))
                .bucket(BucketFixtures.identityBucket(runtime, DataType.FLOAT32, 6)).build()) {
            ShapedBuffer y = ints.run(Map.of("x", ShapedBuffer.ofInts(new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 2, 5)))
                    .get("y");
            assertEquals("int32[2, 5]", y.describe());
            assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, y.toInts());
            assertArrayEquals(new float[] {1.5f, 2.5f, 3.5f, 4.5f},
                    floats.run(Map.of("x", ShapedBuffer.ofFloats(new float[] {1.5f, 2.5f, 3.5f, 4.5f}, 4))).get("y")
                            .toFloats());
            assertEquals(0.5, floats.padValue("x"));
            assertEquals(-1L, ints.padValue("x"));
        }
    }

    @Test
    void aRequestOfExactlyABucketsShapeIsPassedWithoutPadding() {
        BucketFixtures.RecordingModel[] recorded = new BucketFixtures.RecordingModel[1];
        try (ShapeBuckets buckets = text(Overflow.REFUSE, recorded)) {
            Map<String, ShapedBuffer> out = buckets.run(request(8, 32));
            assertArrayEquals(longs(100, 8, 32).toLongs(), recorded[0].longsOf(0, "input_ids"));
            assertArrayEquals(longs(100, 8, 32).toLongs(), out.get("ids").toLongs());
        }
    }

    @Test
    void modelsThatDoNotReportTheirOutputsServeWithDeclaredOnes() {
        // As a TorchScript model: outputs output0, output1 of unknown type and shape, declared per bucket.
        ShapeBuckets.Builder builder = ShapeBuckets.builder("torch-like");
        for (long sequence : new long[] {8, 16}) {
            builder.bucket(new BucketFixtures.RecordingModel(textBucket(runtime, 2, sequence), true),
                    List.of(ShapeBuckets.output("output0", DataType.INT64, 2, sequence),
                            ShapeBuckets.output("output1", DataType.INT64, 2, sequence)));
        }
        try (ShapeBuckets buckets = builder.build()) {
            Map<String, ShapedBuffer> out = buckets.run(request(1, 9)); // a block inside [2, 16]
            assertEquals(List.of("output0", "output1"), List.copyOf(out.keySet()));
            assertArrayEquals(longs(100, 1, 9).toLongs(), out.get("output0").toLongs());
            out = buckets.run(request(1, 16)); // the first row of [2, 16]
            assertArrayEquals(longs(100, 1, 16).toLongs(), out.get("output0").toLongs());
            assertArrayEquals(longs(1, 1, 16).toLongs(), out.get("output1").toLongs());
        }
    }

    @Test
    void anOutputUnlikeItsDeclarationIsAnError() {
        try (ShapeBuckets buckets = ShapeBuckets.builder("wrong")
                .bucket(new BucketFixtures.RecordingModel(textBucket(runtime, 2, 8), true),
                        List.of(ShapeBuckets.output("output0", DataType.INT64, 2, 8),
                                ShapeBuckets.output("output1", DataType.INT32, 2, 8))).build()) {
            assertEquals("bucket 0 (text_b2_s8.neff: input_ids[2, 8], attention_mask[2, 8]) returned 128 bytes for "
                    + "output output1: int32[2, 8] (64 bytes, output); outputs returned: [output0, output1]",
                    assertThrows(IllegalStateException.class, () -> buckets.run(request(1, 1))).getMessage());
        }
    }

    @Test
    void overLongRequestsAreRefusedNamingTheLargestBucket() {
        try (ShapeBuckets buckets = text(Overflow.REFUSE)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> buckets.run(request(1, 129)));
            assertEquals("Buckets 'text': input 'input_ids' has shape [1, 129], longer than every bucket in "
                    + "dimension 1 (at most 128; the largest bucket is bucket 3 (text_b8_s128.neff: input_ids[8, 128], "
                    + "attention_mask[8, 128])); Overflow.TRUNCATE would cut it", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> buckets.select(shapes(1, 129)));
        }
    }

    @Test
    void overLongRequestsAreTruncatedWhenConfigured() {
        BucketFixtures.RecordingModel[] recorded = new BucketFixtures.RecordingModel[4];
        try (ShapeBuckets buckets = text(Overflow.TRUNCATE, recorded)) {
            assertEquals(1, buckets.select(shapes(1, 500)).index());
            Map<String, ShapedBuffer> out = buckets.run(request(1, 130));
            // The first 128 of each row are kept; the model saw them unpadded.
            assertArrayEquals(Arrays.copyOf(longs(100, 1, 130).toLongs(), 128), out.get("ids").toLongs());
            assertEquals("int64[1, 128]", out.get("ids").describe());
            assertArrayEquals(out.get("ids").toLongs(), recorded[1].longsOf(0, "input_ids"));
            // Rows are cut per row: [3, 200] runs on [8, 128].
            ShapedBuffer ids = buckets.run(request(3, 200)).get("ids");
            assertEquals("int64[3, 128]", ids.describe());
            long[] v = ids.toLongs();
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 128; c++) {
                    assertEquals(100 + 1000 * r + c, v[r * 128 + c]);
                }
            }
        }
    }

    @Test
    void tooManyRowsAreRefusedEvenWhenTruncating() {
        try (ShapeBuckets buckets = text(Overflow.TRUNCATE)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> buckets.run(request(9, 4)));
            assertEquals("Buckets 'text': input 'input_ids' has 9 rows (dimension 0 of [9, 4]), more than any bucket "
                    + "holds (at most 8; the largest bucket is bucket 3 (text_b8_s128.neff: input_ids[8, 128], "
                    + "attention_mask[8, 128])); split the request", e.getMessage());
        }
    }

    @Test
    void shapesThatNoSingleBucketHoldsAreRefusedListingTheBuckets() {
        // b1 up to 128 tokens, b8 only 32: [8, 100] fits each dimension's maximum, but no bucket.
        try (ShapeBuckets buckets = ShapeBuckets.builder("mixed").bucket(textBucket(runtime, 1, 128))
                .bucket(textBucket(runtime, 8, 32)).build()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> buckets.select(shapes(8, 100)));
            assertTrue(e.getMessage().startsWith("Buckets 'mixed': no bucket holds input_ids[8, 100], "
                    + "attention_mask[8, 100] (the largest bucket is bucket 1 "), e.getMessage());
            assertTrue(e.getMessage().contains("buckets: bucket 0 (text_b1_s128.neff"), e.getMessage());
        }
    }

    @Test
    void aBatchOfRequestsRunsOnceAndEachGetsItsOwnRowsBack() {
        BucketFixtures.RecordingModel[] recorded = new BucketFixtures.RecordingModel[6];
        try (ShapeBuckets buckets = text(Overflow.REFUSE, recorded)) {
            List<Map<String, ShapedBuffer>> out = buckets.runBatch(List.of(
                    Map.of("input_ids", longs(100, 1, 5), "attention_mask", longs(1, 1, 5)),
                    Map.of("input_ids", longs(200, 2, 40), "attention_mask", longs(2, 2, 40)),
                    Map.of("input_ids", longs(300, 1, 3), "attention_mask", longs(3, 1, 3))));
            // 4 rows of at most 40 tokens: one run on bucket 5, [8, 64].
            assertEquals(1, recorded[5].runs.size());
            long[] ids = recorded[5].longsOf(0, "input_ids");
            assertEquals(100 + 4, ids[4]);
            assertEquals(PAD_ID, ids[5]);
            assertEquals(200 + 39, ids[64 + 39]);
            assertEquals(1200 + 39, ids[2 * 64 + 39]);
            assertEquals(302, ids[3 * 64 + 2]);
            assertEquals(PAD_ID, ids[3 * 64 + 3]);
            assertEquals(PAD_ID, ids[4 * 64]);
            assertEquals(3, out.size());
            assertArrayEquals(longs(100, 1, 5).toLongs(), out.get(0).get("ids").toLongs());
            assertEquals("int64[2, 40]", out.get(1).get("ids").describe());
            assertArrayEquals(longs(200, 2, 40).toLongs(), out.get(1).get("ids").toLongs());
            assertArrayEquals(longs(2, 2, 40).toLongs(), out.get(1).get("mask").toLongs());
            assertArrayEquals(longs(300, 1, 3).toLongs(), out.get(2).get("ids").toLongs());
        }
    }

    @Test
    void aBatchTruncatesEachRequestAndRefusesTooManyRows() {
        try (ShapeBuckets buckets = text(Overflow.TRUNCATE)) {
            List<Map<String, ShapedBuffer>> out = buckets.runBatch(List.of(request(1, 200), request(2, 5)));
            assertArrayEquals(Arrays.copyOf(longs(100, 1, 200).toLongs(), 128), out.get(0).get("ids").toLongs());
            assertArrayEquals(longs(100, 2, 5).toLongs(), out.get(1).get("ids").toLongs());
            assertEquals("Buckets 'text': input 'input_ids' has 9 rows (dimension 0 of [9, 5]), more than any bucket "
                    + "holds (at most 8; the largest bucket is bucket 3 (text_b8_s128.neff: input_ids[8, 128], "
                    + "attention_mask[8, 128])); split the request", assertThrows(IllegalArgumentException.class,
                            () -> buckets.runBatch(List.of(request(4, 5), request(5, 2)))).getMessage());
            assertEquals("Request 1 of the batch: Buckets 'text': input 'attention_mask' has shape [1, 3], but a "
                    + "batch stacks rows: every input needs dimension 0, the same in one request (2 rows in "
                    + "'input_ids')", assertThrows(IllegalArgumentException.class, () -> buckets.runBatch(List.of(
                            request(1, 3), Map.of("input_ids", longs(0, 2, 3), "attention_mask", longs(0, 1, 3)))))
                            .getMessage());
            assertEquals("Buckets 'text': a batch needs at least one request",
                    assertThrows(IllegalArgumentException.class, () -> buckets.runBatch(List.of())).getMessage());
        }
    }

    @Test
    void badRequestsAreRefusedBeforeRunning() {
        try (ShapeBuckets buckets = text(Overflow.REFUSE)) {
            assertEquals("Buckets 'text' have no input 'token_type_ids'; inputs [input_ids, attention_mask]",
                    assertThrows(IllegalArgumentException.class, () -> buckets.run(Map.of("input_ids", longs(0, 1, 2),
                            "token_type_ids", longs(0, 1, 2)))).getMessage());
            assertEquals("Buckets 'text': the input of input 'attention_mask' is missing; inputs [input_ids, "
                    + "attention_mask]", assertThrows(IllegalArgumentException.class,
                            () -> buckets.run(Map.of("input_ids", longs(0, 1, 2)))).getMessage());
            assertEquals("Buckets 'text': input 'input_ids' is int32[1, 2], the models take int64",
                    assertThrows(IllegalArgumentException.class, () -> buckets.run(Map.of(
                            "input_ids", ShapedBuffer.ofInts(new int[] {1, 2}, 1, 2),
                            "attention_mask", longs(0, 1, 2)))).getMessage());
            assertEquals("Buckets 'text': input 'input_ids' has shape [2], the models take rank 2",
                    assertThrows(IllegalArgumentException.class, () -> buckets.select(Map.of(
                            "input_ids", new long[] {2}, "attention_mask", new long[] {1, 2}))).getMessage());
            assertEquals("Buckets 'text': inputs 'input_ids' (2 in dimension 1) and 'attention_mask' (3 in dimension 1)"
                    + " disagree on the size of dimension 1 of output 'ids'", assertThrows(IllegalArgumentException.class,
                            () -> buckets.run(Map.of("input_ids", longs(0, 1, 2), "attention_mask", longs(0, 1, 3))))
                            .getMessage());
        }
    }
}
