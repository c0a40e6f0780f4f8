package dev.neuron4j.nrt;

import static dev.neuron4j.nrt.global.nrt.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.neuron4j.testing.Emu;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Loads the real compiled NEFFs and reads their I/O description through the generated structs. */
class ModelTensorInfoTest {
    @BeforeEach
    void init() {
        Emu.init();
    }

    @AfterEach
    void close() {
        Emu.close();
    }

    /** Loads a NEFF from the test data, runs {@code body} on it, then unloads it. */
    private static void withModel(String neff, java.util.function.Consumer<nrt_model_t> body) throws Exception {
        byte[] bytes = Emu.readNeff(neff);
        nrt_model_t model = new nrt_model_t();
        try (BytePointer data = new BytePointer(bytes)) {
            assertEquals(NRT_SUCCESS, nrt_load(data, bytes.length, -1, -1, model), "nrt_load " + neff);
        }
        try {
            body.accept(model);
        } finally {
            assertEquals(NRT_SUCCESS, nrt_unload(model));
        }
    }

    private static int[] shape(nrt_tensor_info_t t) {
        int[] dims = new int[t.ndim()];
        t.shape().get(dims);
        return dims;
    }

    @Test
    void matmulSmallTensorInfoIsExact() throws Exception {
        withModel("matmul_small.neff", model -> {
            nrt_tensor_info_array_t info = new nrt_tensor_info_array_t();
            assertEquals(NRT_SUCCESS, nrt_get_model_tensor_info(model, info));
            try {
                assertEquals(296, Loader.sizeof(nrt_tensor_info_t.class));
                assertEquals(3, info.tensor_count());
                // The generated accessor steps through the flexible array member 296 bytes at a time.
                assertEquals(8, info.tensor_array(0).address() - info.address());
                assertEquals(296, info.tensor_array(1).address() - info.tensor_array(0).address());

                String[] names = {"x", "y", "output0"};
                int[] usages = {NRT_TENSOR_USAGE_INPUT, NRT_TENSOR_USAGE_INPUT, NRT_TENSOR_USAGE_OUTPUT};
                long[] sizes = {65536, 65536, 32768};
                int[][] shapes = {{128, 256}, {256, 128}, {128, 128}};
                for (int i = 0; i < 3; i++) {
                    nrt_tensor_info_t t = info.tensor_array(i);
                    assertEquals(names[i], t.name().getString(), "name " + i);
                    assertEquals(usages[i], t.usage(), "usage of " + names[i]);
                    assertEquals(sizes[i], t.size(), "size of " + names[i]);
                    assertEquals(NRT_DTYPE_FLOAT16, t.dtype(), "dtype of " + names[i]);
                    assertEquals(2, t.ndim(), "ndim of " + names[i]);
                    assertArrayEquals(shapes[i], shape(t), "shape of " + names[i]);
                }
            } finally {
                assertEquals(NRT_SUCCESS, nrt_free_model_tensor_info(info));
            }
            try (nrt_model_info_t mi = new nrt_model_info_t();
                    org.bytedeco.javacpp.SizeTPointer written = new org.bytedeco.javacpp.SizeTPointer(1)) {
                assertEquals(NRT_SUCCESS, nrt_get_model_info(model, mi, Loader.sizeof(nrt_model_info_t.class), written));
                assertEquals(4, written.get());
                assertEquals(0, mi.vnc(), "first free core");
            }
        });
    }

    @Test
    void matmulLargeSizesAreSixtyFourBit() throws Exception {
        withModel("matmul_large.neff", model -> {
            nrt_tensor_info_array_t info = new nrt_tensor_info_array_t();
            assertEquals(NRT_SUCCESS, nrt_get_model_tensor_info(model, info));
            try {
                assertEquals(3, info.tensor_count());
                nrt_tensor_info_t y = info.tensor_array(1);
                assertEquals("y", y.name().getString());
                assertEquals(4294967296L, y.size());
                assertArrayEquals(new int[] {32768, 65536}, shape(y));
            } finally {
                assertEquals(NRT_SUCCESS, nrt_free_model_tensor_info(info));
            }
        });
    }
}
