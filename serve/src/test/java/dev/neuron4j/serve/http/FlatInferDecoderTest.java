package dev.neuron4j.serve.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.neuron4j.serve.RequestTensor;
import dev.neuron4j.serve.ServedModel;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The tree-less decoder of the common infer request gives exactly what the tree decoder gives, and leaves every
 * other body (and every error) to it.
 */
class FlatInferDecoderTest {
    private static final ServedModel MODEL = new EchoModel();
    /** One FP32 input of one element, in the common form. */
    private static final String X = input("x", "FP32", "[1]", "[1]");

    /** {@return a body with one input} */
    private static String one(String name, String datatype, String shape, String data) {
        return "{\"inputs\":[" + input(name, datatype, shape, data) + "]}";
    }

    private static String input(String name, String datatype, String shape, String data) {
        return "{\"name\": \"" + name + "\", \"datatype\": \"" + datatype + "\", \"shape\": " + shape + ", \"data\": "
                + data + "}";
    }

    @Test
    void theCommonFormIsDecodedAsTheTreeDecodes() {
        List<String> bodies = List.of(
                "{\"id\": \"r1\", \"inputs\": [" + input("input_ids", "INT32", "[1, 4]", "[101, 2000, -7, 102]") + ", "
                        + input("attention_mask", "INT32", "[1, 4]", "[1, 1, 1, 0]") + "]}",
                one("x", "FP32", "[2, 2]", "[1.5, -2, 3e-3, 16777217]"),
                one("x", "FP32", "[3]", "[9007199254740993, 0.1, -0.0]"),
                one("h", "FP16", "[3]", "[65519, 1e-8, 0.333]"),
                one("b", "BF16", "[2]", "[3.14159, -1]"),
                one("u", "UINT8", "[2]", "[0, 255]"),
                one("s", "INT16", "[2]", "[-32768, 32767]"),
                one("q", "UINT32", "[1]", "[4294967295]"),
                one("l", "INT64", "[2]", "[-9223372036854775808, 9223372036854775807]"),
                one("e", "FP32", "[0, 4]", "[]"),
                one("scalar", "FP32", "[]", "[5]"));
        for (String body : bodies) {
            V2JsonCodec.DecodedInfer flat = FlatInferDecoder.decode(MODEL, buf(body), body.length(), 7);
            assertNotNull(flat, body);
            assertSame(V2JsonCodec.decodeTree(MODEL, buf(body), body.length(), 7), flat, body);
        }
    }

    @Test
    void everyOtherBodyIsLeftToTheTreeDecoder() {
        List<String> valid = List.of(
                one("x", "FP32", "[2, 2]", "[[1, 2], [3, 4]]"), // nested
                "{\"inputs\":[{\"datatype\": \"FP32\", \"name\": \"x\", \"shape\": [1], \"data\": [1]}]}", // order
                "{\"id\": null, \"inputs\":[" + X + "]}",
                "{\"inputs\":[" + X + "], \"outputs\": [{\"name\": \"y\"}]}",
                "{\"inputs\":[" + X + "], \"parameters\": {}}",
                "{\"inputs\":[" + X + "], \"extra\": 1}",
                "{\"inputs\":[{\"name\": \"x\", \"datatype\": \"FP32\", \"shape\": [1], \"data\": [1], \"p\": 1}]}",
                one("x", "UINT64", "[1]", "[18446744073709551615]"),
                one("x", "FP32", "[1]", "[123456789012345678901234567890]"));
        for (String body : valid) {
            assertNull(FlatInferDecoder.decode(MODEL, buf(body), body.length(), 7), body);
            V2JsonCodec.decode(MODEL, buf(body), body.length(), 7); // the tree decoder takes them
        }
        List<String> bad = List.of(
                one("x", "UINT8", "[1]", "[256]"),
                one("x", "INT32", "[1]", "[1.5]"),
                one("x", "INT32", "[2]", "[1]"),
                one("x", "INT32", "[1]", "[1, 2]"),
                one("x", "INT32", "[1]", "[\"1\"]"),
                one("x", "FP64", "[1]", "[1]"),
                one("x", "FP32", "[-1]", "[1]"),
                one("x", "FP32", "[99999, 99999]", "[1]"),
                "{\"inputs\":[]}",
                "{\"inputs\":[" + X + "]} {}",
                "{\"inputs\":[" + X + "], \"inputs\": []}",
                "{\"id\": 3, \"inputs\":[" + X + "]}",
                "{\"inputs\":[" + X);
        for (String body : bad) {
            assertNull(FlatInferDecoder.decode(MODEL, buf(body), body.length(), 7), body);
            assertThrows(HttpError.class, () -> V2JsonCodec.decode(MODEL, buf(body), body.length(), 7), body);
        }
        String withBinary = one("x", "FP32", "[1]", "[1]");
        assertNull(FlatInferDecoder.decode(MODEL, buf(withBinary + "1234"), withBinary.length(), 7));
    }

    private static ByteBuf buf(String text) {
        return Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertSame(V2JsonCodec.DecodedInfer want, V2JsonCodec.DecodedInfer got, String body) {
        assertEquals(want.request().id(), got.request().id(), body);
        assertEquals(want.request().deadlineNanos(), got.request().deadlineNanos(), body);
        assertEquals(want.outputs(), got.outputs(), body);
        assertEquals(describe(want.request().inputs()), describe(got.request().inputs()), body);
    }

    private static List<String> describe(List<RequestTensor> tensors) {
        List<String> list = new ArrayList<>();
        for (RequestTensor t : tensors) {
            byte[] bytes = new byte[t.data().remaining()];
            t.data().duplicate().get(bytes);
            list.add(t.name() + " " + t.dataType() + " " + Arrays.toString(t.shape()) + " " + Arrays.toString(bytes)
                    + " " + t.data().order());
        }
        return list;
    }
}
