package dev.neuron4j.buckets;

import static dev.neuron4j.buckets.BucketFixtures.in;
import static dev.neuron4j.buckets.BucketFixtures.out;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.neuron4j.DataType;
import dev.neuron4j.Model;
import dev.neuron4j.TensorSpec;
import dev.neuron4j.buckets.BucketFixtures.SpecModel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a set of buckets must agree on, checked when it is built (spec-only models: no runtime needed). */
class ShapeBucketsBuildTest {
    private static String refusal(ShapeBuckets.Builder builder) {
        return assertThrows(IllegalArgumentException.class, builder::build).getMessage();
    }

    private static SpecModel model(String name, List<TensorSpec> inputs, List<TensorSpec> outputs) {
        return new SpecModel(name, inputs, outputs);
    }

    @Test
    void anEmptySetOrAModelGivenTwiceIsRefused() {
        assertEquals("Buckets 'x' need at least one model", refusal(ShapeBuckets.builder("x")));
        SpecModel m = SpecModel.text(1, 32);
        assertEquals("Buckets 'x' hold model 'b1_s32' twice (buckets 0 and 1)",
                refusal(ShapeBuckets.builder("x").bucket(m).bucket(m)));
        assertEquals(0, m.closes.get()); // a failed build leaves the models to the caller
    }

    @Test
    void bucketsMustAgreeOnNamesOrderTypesAndRanks() {
        SpecModel base = SpecModel.text(1, 32);
        List<TensorSpec> logits = List.of(out("logits", DataType.FLOAT32, 8, 2));
        assertEquals("Buckets 'x' must be one graph: the inputs of bucket 1 (ids: ids[8, 64]) [ids: int64[8, 64]] "
                + "differ in names, order, types or ranks from those of bucket 0 (b1_s32: input_ids[1, 32]) "
                + "[input_ids: int64[1, 32]]", refusal(ShapeBuckets.builder("x").bucket(base)
                        .bucket(model("ids", List.of(in("ids", DataType.INT64, 8, 64)), logits))));
        assertEquals("Buckets 'x' must be one graph: the inputs of bucket 1 (int32: input_ids[8, 64]) "
                + "[input_ids: int32[8, 64]] differ in names, order, types or ranks from those of bucket 0 "
                + "(b1_s32: input_ids[1, 32]) [input_ids: int64[1, 32]]", refusal(ShapeBuckets.builder("x")
                        .bucket(base).bucket(model("int32", List.of(in("input_ids", DataType.INT32, 8, 64)), logits))));
        refusal(ShapeBuckets.builder("x").bucket(base)
                .bucket(model("rank3", List.of(in("input_ids", DataType.INT64, 8, 64, 1)), logits)));
        refusal(ShapeBuckets.builder("x").bucket(base).bucket(model("outputs", List.of(in("input_ids", DataType.INT64,
                8, 64)), List.of(out("logits", DataType.FLOAT16, 8, 2)))));
        SpecModel twoInputs = model("two", List.of(in("a", DataType.INT64, 1, 4), in("b", DataType.INT64, 1, 4)),
                List.of(out("y", DataType.INT64, 1, 4)));
        SpecModel swapped = model("swapped", List.of(in("b", DataType.INT64, 1, 8), in("a", DataType.INT64, 1, 8)),
                List.of(out("y", DataType.INT64, 1, 8)));
        refusal(ShapeBuckets.builder("x").bucket(twoInputs).bucket(swapped));
    }

    @Test
    void twoBucketsOfTheSameShapesAreRefused() {
        assertEquals("Buckets 'x': bucket 0 (b8_s32: input_ids[8, 32]) and bucket 2 (b8_s32: input_ids[8, 32]) have "
                + "the same input shapes", refusal(ShapeBuckets.builder("x").bucket(SpecModel.text(8, 32))
                        .bucket(SpecModel.text(1, 32)).bucket(SpecModel.text(8, 32))));
    }

    @Test
    void unknownTypesAndShapesAreRefusedAndTorchScriptOutputsCanBeDeclared() {
        List<TensorSpec> inputs = List.of(in("input_ids", DataType.INT64, 1, 32));
        TensorSpec unknown = new TensorSpec("output0", TensorSpec.Usage.OUTPUT, DataType.UNKNOWN, new long[0], 0);
        assertEquals("Buckets 'x': output output0: unknown[] (0 bytes, output) of bucket 0 (torch: input_ids[1, 32]) "
                + "has no known type and shape; for a model that does not report its outputs (TorchScript), declare "
                + "them with Builder.bucket(model, outputs)",
                refusal(ShapeBuckets.builder("x").bucket(model("torch", inputs, List.of(unknown)))));
        assertEquals("Buckets 'x': bucket 0 (none: input_ids[1, 32]) has no outputs; for a model that does not "
                + "report them (TorchScript), declare them with Builder.bucket(model, outputs)",
                refusal(ShapeBuckets.builder("x").bucket(model("none", inputs, List.of()))));
        TensorSpec sizeUnlikeShape = new TensorSpec("x", TensorSpec.Usage.INPUT, DataType.INT64, new long[] {1, 32}, 8);
        refusal(ShapeBuckets.builder("x").bucket(model("odd", List.of(sizeUnlikeShape),
                List.of(out("y", DataType.INT64, 1)))));
        // Declared outputs: names must be the ones the model reports, if it reports any.
        Model torch = model("torch", inputs, List.of(unknown));
        assertEquals("Buckets 'x': the outputs declared for model 'torch' [logits] are not the ones it reports "
                + "[output0]", refusal(ShapeBuckets.builder("x").bucket(torch,
                        List.of(ShapeBuckets.output("logits", DataType.FLOAT32, 1, 2)))));
        refusal(ShapeBuckets.builder("x").bucket(torch, List.of(in("output0", DataType.FLOAT32, 1, 2))));
        // A model that reports its outputs' types cannot be declared otherwise.
        assertEquals("Buckets 'x': output logits: float32[1, 3] (12 bytes, output) declared for model 'b1_s32', "
                + "which reports logits: float32[1, 2] (8 bytes, output)", refusal(ShapeBuckets.builder("x")
                        .bucket(SpecModel.text(1, 32), List.of(ShapeBuckets.output("logits", DataType.FLOAT32, 1, 3)))));
        try (ShapeBuckets ok = ShapeBuckets.builder("x")
                .bucket(torch, List.of(ShapeBuckets.output("output0", DataType.FLOAT32, 1, 2)))
                .bucket(model("torch64", List.of(in("input_ids", DataType.INT64, 1, 64)), List.of(unknown)),
                        List.of(ShapeBuckets.output("output0", DataType.FLOAT32, 1, 2))).build()) {
            assertEquals(List.of(out("output0", DataType.FLOAT32, 1, 2)), ok.buckets().get(1).outputs());
        }
    }

    @Test
    void anOutputDimensionThatVariesMustFollowAnInputDimension() {
        List<TensorSpec> y4 = List.of(out("y", DataType.FLOAT32, 5));
        List<TensorSpec> y8 = List.of(out("y", DataType.FLOAT32, 9));
        assertEquals("Buckets 'x': dimension 0 of output 'y' differs between buckets (bucket 0 (a: x[4]): [5], "
                + "bucket 1 (b: x[8]): [9]) but follows no input dimension, so it cannot be sliced back to a request",
                refusal(ShapeBuckets.builder("x").bucket(model("a", List.of(in("x", DataType.FLOAT32, 4)), y4))
                        .bucket(model("b", List.of(in("x", DataType.FLOAT32, 8)), y8))));
    }

    @Test
    void anOutputDimensionThatCouldFollowSeveralAxesOfOneInputIsAmbiguous() {
        // In both buckets x is square, so y's last dimension could follow either of x's.
        List<TensorSpec> x4 = List.of(in("x", DataType.FLOAT32, 4, 4));
        List<TensorSpec> x8 = List.of(in("x", DataType.FLOAT32, 8, 8));
        assertEquals("Buckets 'x': dimension 2 of output 'y' could follow dimensions [0, 1] of input 'x' (equal sizes "
                + "in every bucket), so its size for a request is ambiguous; add a bucket whose sizes tell them apart",
                refusal(ShapeBuckets.builder("x").bucket(model("a", x4, List.of(out("y", DataType.FLOAT32, 1, 1, 4))))
                        .bucket(model("b", x8, List.of(out("y", DataType.FLOAT32, 1, 1, 8))))));
        // Its own axis is preferred: y [n, n] follows x [n, n] axis by axis.
        try (ShapeBuckets ok = ShapeBuckets.builder("x").bucket(model("a", x4, List.of(out("y", DataType.FLOAT32, 4, 4))))
                .bucket(model("b", x8, List.of(out("y", DataType.FLOAT32, 8, 8)))).build()) {
            ShapedBuffer y = ok.run(Map.of("x", ShapedBuffer.ofFloats(new float[6], 2, 3))).get("y");
            assertArrayEquals(new long[] {2, 3}, y.shape());
        }
    }

    @Test
    void aConstantOutputDimensionFollowsOnlyItsOwnAxis() {
        // One bucket of 2 rows: logits [2, 2] has as many labels as rows by chance; only dimension 0 is rows.
        try (ShapeBuckets one = ShapeBuckets.builder("x").bucket(SpecModel.text(2, 8)).build()) {
            ShapedBuffer logits = one.run(Map.of("input_ids", ShapedBuffer.ofLongs(new long[] {1}, 1, 1))).get("logits");
            assertArrayEquals(new long[] {1, 2}, logits.shape());
        }
    }

    @Test
    void aBatchNeedsOutputsWithRows() {
        // y [3] is the same in every bucket and follows no rows: a batch could not be split.
        List<TensorSpec> y = List.of(out("y", DataType.FLOAT32, 3));
        try (ShapeBuckets buckets = ShapeBuckets.builder("x")
                .bucket(model("a", List.of(in("x", DataType.FLOAT32, 1, 4)), y))
                .bucket(model("b", List.of(in("x", DataType.FLOAT32, 2, 4)), y)).build()) {
            assertEquals("Buckets 'x': output 'y' has no rows (its dimension 0 follows no input's dimension 0), so "
                    + "a batch cannot be split back into requests", assertThrows(IllegalArgumentException.class,
                            () -> buckets.runBatch(List.of(Map.of("x", ShapedBuffer.ofFloats(new float[4], 1, 4)))))
                            .getMessage());
            assertArrayEquals(new long[] {3}, buckets.run(Map.of("x", ShapedBuffer.ofFloats(new float[4], 1, 4)))
                    .get("y").shape());
        }
    }

    @Test
    void padValuesMustNameAnInputAndFitItsType() {
        assertEquals("Buckets 'x': a pad value is set for input 'attention_mask', which the models do not have; "
                + "inputs [input_ids]", refusal(ShapeBuckets.builder("x").bucket(SpecModel.text(1, 8))
                        .padValue("attention_mask", 0)));
        assertEquals("Pad value 1.5 for input 'input_ids' (int64): not an integer",
                refusal(ShapeBuckets.builder("x").bucket(SpecModel.text(1, 8)).padValue("input_ids", 1.5)));
        SpecModel int32 = model("i", List.of(in("x", DataType.INT32, 4)), List.of(out("y", DataType.INT32, 4)));
        assertEquals("Pad value 4294967296 for input 'x' (int32): outside [-2147483648, 2147483647]",
                refusal(ShapeBuckets.builder("x").bucket(int32).padValue("x", 1L << 32)));
    }

    @Test
    void closeClosesEveryModelOnceAndLaterCallsAreRefused() {
        SpecModel a = SpecModel.text(1, 8);
        SpecModel b = SpecModel.text(8, 8);
        ShapeBuckets buckets = ShapeBuckets.builder("x").bucket(a).bucket(b).build();
        buckets.close();
        buckets.close();
        assertEquals(1, a.closes.get());
        assertEquals(1, b.closes.get());
        assertEquals("ShapeBuckets 'x' is closed", assertThrows(IllegalStateException.class,
                () -> buckets.select(Map.of("input_ids", new long[] {1, 1}))).getMessage());
        assertThrows(IllegalStateException.class,
                () -> buckets.run(Map.of("input_ids", ShapedBuffer.ofLongs(new long[] {1}, 1, 1))));
    }

    @Test
    void aFailingCloseStillClosesTheOtherModels() {
        SpecModel failing = new SpecModel("failing", SpecModel.text(1, 8).inputs(), SpecModel.text(1, 8).outputs()) {
            @Override
            public void close() {
                super.close();
                throw new IllegalStateException("boom");
            }
        };
        SpecModel other = SpecModel.text(8, 8);
        ShapeBuckets buckets = ShapeBuckets.builder("x").bucket(failing).bucket(other).build();
        assertEquals("boom", assertThrows(IllegalStateException.class, buckets::close).getMessage());
        assertEquals(1, other.closes.get());
        buckets.close(); // idempotent: nothing closed twice
        assertEquals(1, failing.closes.get());
    }
}
