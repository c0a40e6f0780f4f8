package dev.neuron4j.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Engine metadata and arrays, through DJL's public API. */
class Neuron4jEngineTest {
    @Test
    void registeredThroughTheServiceFileAsTheDefaultEngine() {
        assertTrue(Engine.getAllEngines().contains("Neuron4j"), Engine.getAllEngines().toString());
        Engine engine = Engine.getEngine("Neuron4j");
        assertEquals("Neuron4j", engine.getEngineName());
        // DJL's api jar has one engine of its own, RPC (rank 15): Neuron4j (rank 10) is the default.
        assertSame(engine, Engine.getInstance(), "the default engine");
        assertEquals(10, engine.getRank());
        assertNull(engine.getAlternativeEngine(), "no full engine (PyTorch, ...) on the class path");
    }

    @Test
    void versionDevicesAndCapabilities() {
        DjlTests.assumeEmulator();
        Engine engine = Engine.getEngine("Neuron4j");
        String version = engine.getVersion();
        assertTrue(version.matches("\\d+\\.\\d+\\.\\d+\\S* \\(libnrt \\d+\\.\\d+\\.\\d+\\.\\d+, emulator\\)"), version);
        // The emulator is an inf2.xlarge by default: two NeuronCores, both visible.
        assertArrayEquals(new Device[] {Device.of("nc", 0), Device.of("nc", 1)}, engine.getDevices());
        assertArrayEquals(new Device[] {Device.of("nc", 0)}, engine.getDevices(1));
        assertEquals(0, engine.getDevices(0).length);
        assertEquals(Device.of("nc", 0), engine.defaultDevice());
        assertEquals(Device.of("nc", 1), Device.fromName("nc1", engine));
        assertEquals(0, engine.getGpuCount());
        assertTrue(engine.hasCapability(Neuron4jEngine.NEURON_CORE));
        for (String c : new String[] {StandardCapabilities.CUDA, StandardCapabilities.CUDNN, StandardCapabilities.MKL,
                StandardCapabilities.MKLDNN, StandardCapabilities.OPENMP}) {
            assertFalse(engine.hasCapability(c), c);
        }
        assertTrue(engine.toString().startsWith("Neuron4j:"), engine.toString());
    }

    @Test
    void arraysAreDirectBuffersAndToByteBufferIsAView() {
        try (NDManager manager = NDManager.newBaseManager("Neuron4j")) {
            NDArray a = manager.create(new float[] {1, 2, 3, 4});
            assertEquals(new Shape(4), a.getShape());
            assertEquals(DataType.FLOAT32, a.getDataType());
            assertEquals(Device.of("nc", 0), a.getDevice());
            ByteBuffer view = a.toByteBuffer();
            assertTrue(view.isDirect());
            assertEquals(ByteOrder.nativeOrder(), view.order());
            view.putFloat(0, 10f); // a view: the array changes
            assertArrayEquals(new float[] {10, 2, 3, 4}, a.toFloatArray());
            assertTrue(a.toString().contains("[10.,  2.,  3.,  4.]"), a.toString());

            NDArray ints = manager.create(new int[] {7, 8}, new Shape(1, 2));
            assertArrayEquals(new int[] {7, 8}, ints.toIntArray());
            assertEquals(new Shape(1, 2), ints.getShape());
            assertArrayEquals(new float[] {0, 0, 0}, manager.zeros(new Shape(3)).toFloatArray());
            assertArrayEquals(new float[] {1, 1}, manager.ones(new Shape(2)).toFloatArray());

            // No alternative engine: operators are unsupported, data access works.
            assertThrows(UnsupportedOperationException.class, () -> a.add(a));
            NDArray dup = a.duplicate();
            assertArrayEquals(a.toFloatArray(), dup.toFloatArray());
            NDArray half = a.toType(DataType.INT32, false);
            assertArrayEquals(new int[] {10, 2, 3, 4}, half.toIntArray());
        }
    }

    @Test
    void wrapUsesTheCallersBufferAndCloseDetaches() {
        ByteBuffer mine = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
        mine.asFloatBuffer().put(new float[] {5, 6});
        NDArray a;
        try (Neuron4jNDManager manager = (Neuron4jNDManager) NDManager.newBaseManager("Neuron4j")) {
            a = manager.wrap(mine, new Shape(2), DataType.FLOAT32);
            mine.putFloat(4, 60f);
            assertArrayEquals(new float[] {5, 60}, a.toFloatArray());
            assertThrows(IllegalArgumentException.class,
                    () -> manager.wrap(ByteBuffer.allocate(8), new Shape(2), DataType.FLOAT32));
            assertThrows(IllegalArgumentException.class,
                    () -> manager.wrap(mine, new Shape(3), DataType.FLOAT32));
            assertEquals(1, manager.getManagedArrays().size());
        }
        assertThrows(IllegalStateException.class, a::toByteBuffer);
    }
}
