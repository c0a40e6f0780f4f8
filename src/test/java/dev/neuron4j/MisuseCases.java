package dev.neuron4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neuron4j.testkit.EmulatorNeff;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.function.Executable;

/**
 * The misuse matrix: each case misuses the API once and names the exception it must end in (type and message
 * fragment), or {@code null} for a misuse that must be a harmless no-op. Cases marked {@code fork} could crash
 * the JVM if the library were wrong (use after close, closing under load, concurrent load/unload); the test
 * runs each of them in its own JVM through {@link #main}, so a crash fails that case instead of the suite.
 */
public final class MisuseCases {
    private MisuseCases() {}

    /** Prepares the objects a case needs and returns the misuse itself. */
    interface Misuse {
        Executable prepare(Fixture f) throws Exception;
    }

    /** One row of the matrix. */
    record Case(String name, boolean fork, Class<? extends Throwable> expected, String fragment, Misuse body) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** The runtime and models of one case; closed after it. */
    static final class Fixture implements AutoCloseable {
        final NeuronRuntime runtime = NeuronRuntime.open(RuntimeOptions.builder().logLevel("QUIET").build());

        NeffModel add(int n) {
            return runtime.load(TestRuntime.addNeff(n, 0), "add" + n + ".neff", Placement.core(0));
        }

        NeffModel add() {
            return add(4);
        }

        @Override
        public void close() {
            runtime.close();
        }
    }

    private static Case inProcess(String name, Class<? extends Throwable> expected, String fragment, Misuse body) {
        return new Case(name, false, expected, fragment, body);
    }

    private static Case forked(String name, Class<? extends Throwable> expected, String fragment, Misuse body) {
        return new Case(name, true, expected, fragment, body);
    }

    private static final Class<IllegalStateException> ISE = IllegalStateException.class;
    private static final Class<IllegalArgumentException> IAE = IllegalArgumentException.class;
    private static final Class<NeuronException> NEX = NeuronException.class;

    private static ByteBuffer direct(int bytes) {
        return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    }

    /** Every case, in table order. */
    static List<Case> all() {
        List<Case> c = new ArrayList<>();
        // ---- double close: idempotent, no exception
        c.add(inProcess("double close of the runtime", null, null, f -> () -> {
            f.runtime.close();
            f.runtime.close();
        }));
        c.add(inProcess("double close of a model", null, null, f -> {
            NeffModel m = f.add();
            return () -> {
                m.close();
                m.close();
            };
        }));
        c.add(inProcess("double close of a tensor", null, null, f -> {
            Tensor t = f.runtime.allocateTensor("t", 16, 0);
            return () -> {
                t.close();
                t.close();
            };
        }));
        c.add(inProcess("double close of a binding", null, null, f -> {
            Binding b = f.add().newBinding();
            return () -> {
                b.close();
                b.close();
            };
        }));
        // ---- use after close (forked)
        c.add(forked("runtime: allocateTensor after close", ISE, "NeuronRuntime 'libnrt' is closed", f -> {
            f.runtime.close();
            return () -> f.runtime.allocateTensor("t", 16, 0);
        }));
        c.add(forked("runtime: load after close", ISE, "is closed", f -> {
            f.runtime.close();
            return () -> f.runtime.load(TestRuntime.addNeff(4, 0), "late.neff", Placement.auto());
        }));
        c.add(forked("runtime: coreMemory after close", ISE, "is closed", f -> {
            f.runtime.close();
            return () -> f.runtime.coreMemory(0);
        }));
        c.add(forked("model: newBinding after close", ISE, "Model 'add4.neff' is closed", f -> {
            NeffModel m = f.add();
            m.close();
            return m::newBinding;
        }));
        c.add(forked("model: run after close", ISE, "Model 'add4.neff' is closed", f -> {
            NeffModel m = f.add();
            m.close();
            return () -> m.run(Map.of("a", direct(16), "b", direct(16)));
        }));
        c.add(forked("binding: execute after close", ISE, "is closed", f -> {
            Binding b = f.add().newBinding();
            b.close();
            return b::execute;
        }));
        c.add(forked("binding: execute after its model closed", ISE, "is closed", f -> {
            NeffModel m = f.add();
            Binding b = m.newBinding();
            m.close();
            return b::execute;
        }));
        c.add(forked("binding: input() after close", ISE, "is closed", f -> {
            Binding b = f.add().newBinding();
            b.close();
            return () -> b.input("a");
        }));
        c.add(forked("binding's tensor: write after the binding closed", ISE, "Tensor 'a' is closed", f -> {
            Binding b = f.add().newBinding();
            Tensor a = b.input("a");
            b.close();
            return () -> a.write(0, direct(16));
        }));
        c.add(forked("tensor: write after close", ISE, "Tensor 't' is closed", f -> {
            Tensor t = f.runtime.allocateTensor("t", 16, 0);
            t.close();
            return () -> t.write(0, direct(16));
        }));
        c.add(forked("tensor: read after close", ISE, "Tensor 't' is closed", f -> {
            Tensor t = f.runtime.allocateTensor("t", 16, 0);
            t.close();
            return () -> t.read(0, direct(16));
        }));
        c.add(forked("wrapped tensor: view after close", ISE, "Tensor 'w' is closed", f -> {
            Tensor t = f.runtime.wrap("w", direct(16));
            t.close();
            return t::asFloatBuffer;
        }));
        c.add(forked("runtime closed with live models, bindings and tensors", ISE, "is closed", f -> {
            NeffModel m = f.add();
            Binding b = m.newBinding();
            Tensor loose = f.runtime.allocateTensor("loose", 64, 1);
            f.runtime.close(); // frees everything (WARN), then nrt_close
            assertTrue(m.isClosed() && b.isClosed() && loose.isClosed());
            return b::execute;
        }));
        c.add(forked("closing a model while 8 threads execute it", null, null, f -> {
            NeffModel m = f.add();
            return () -> closeUnderLoad(m, m::close);
        }));
        c.add(forked("closing the runtime while 8 threads execute", null, null, f -> {
            NeffModel m = f.add();
            return () -> closeUnderLoad(m, f.runtime::close);
        }));
        c.add(forked("loading and unloading from 16 threads at once", null, null, f -> () -> loadUnload(f)));
        c.add(inProcess("closing a tensor bound into a live binding", ISE, "bound into a live Binding", f -> {
            NeffModel m = f.add();
            Tensor a = m.allocateTensor("a");
            m.bind().input("a", a).build();
            return a::close;
        }));
        c.add(inProcess("opening the runtime twice", ISE, "already open in this process", f -> NeuronRuntime::open));
        // ---- wrong names, sizes, dtypes
        c.add(inProcess("binding: unknown input name", IAE, "has no input 'x'; expected one of [a, b]",
                f -> () -> f.add().newBinding().input("x")));
        c.add(inProcess("binding: an input name asked as output", IAE, "has no output 'a'",
                f -> () -> f.add().newBinding().output("a")));
        c.add(inProcess("bind(): unknown input name", IAE, "has no input 'zz'", f -> {
            NeffModel m = f.add();
            Tensor t = m.allocateTensor("a");
            return () -> m.bind().input("zz", t);
        }));
        c.add(inProcess("bind(): tensor of the wrong size", IAE, "'a' is 16 bytes, tensor 't' has 20", f -> {
            NeffModel m = f.add();
            Tensor t = f.runtime.allocateTensor("t", 20, 0);
            return () -> m.bind().input("a", t);
        }));
        c.add(inProcess("bind(): a tensor of another model's binding (other size)", IAE, "is 16 bytes, tensor 'a' has 32",
                f -> {
                    NeffModel small = f.add(4);
                    Binding big = f.add(8).newBinding();
                    return () -> small.bind().input("a", big.input("a"));
                }));
        c.add(inProcess("bind(): a tensor of another model's binding (same size) is shared, not copied", null, null,
                f -> {
                    NeffModel one = f.add(4);
                    Binding other = f.add(4).newBinding();
                    return () -> {
                        other.input("a").write(0, TestRuntime.floats(1, 2, 3, 4));
                        try (Binding b = one.bind().input("a", other.input("a")).build()) {
                            b.input("b").write(0, TestRuntime.floats(1, 1, 1, 1));
                            b.execute();
                            assertArrayEquals(new float[] {2, 3, 4, 5}, TestRuntime.toFloats(b.output("c").readAll()));
                        }
                    };
                }));
        c.add(inProcess("run(): missing input", IAE, "input 'b' is missing",
                f -> () -> f.add().run(Map.of("a", direct(16)))));
        c.add(inProcess("run(): unknown input", IAE, "has no input 'q'",
                f -> () -> f.add().run(Map.of("a", direct(16), "b", direct(16), "q", direct(16)))));
        c.add(inProcess("run(): buffer of the wrong size", IAE, "input 'b' is 16 bytes, the buffer has 12 remaining",
                f -> () -> f.add().run(Map.of("a", direct(16), "b", direct(12)))));
        c.add(inProcess("emulator NEFF: add over int32 tensors (wrong dtype for the op)", IAE,
                "add needs float32 operands, 'a' is int32", f -> () -> EmulatorNeff.builder().name("int-add.neff")
                        .input("a", DataType.INT32, 4).input("b", DataType.INT32, 4).output("c", DataType.INT32, 4)
                        .op(EmulatorNeff.Op.ADD).toBytes()));
        c.add(inProcess("load: not a NEFF", NEX, "nrt_load failed: NRT_INVALID (2)",
                f -> () -> f.runtime.load(new byte[4096], "zeros.neff", Placement.auto())));
        c.add(inProcess("load: empty bytes", IAE, "is empty",
                f -> () -> f.runtime.load(new byte[0], "empty.neff", Placement.auto())));
        c.add(inProcess("load: missing file", NoSuchFileException.class, "no-such.neff",
                f -> () -> f.runtime.load(Path.of("target/no-such.neff"), Placement.auto())));
        c.add(inProcess("executeRepeat(0)", IAE, "repeatCount must be >= 1",
                f -> () -> f.add().newBinding().executeRepeat(0)));
        // ---- buffers
        c.add(inProcess("wrap a heap buffer", IAE, "cannot wrap a heap buffer",
                f -> () -> f.runtime.wrap("h", ByteBuffer.allocate(16))));
        c.add(inProcess("wrap a read-only buffer", IAE, "cannot wrap a read-only buffer",
                f -> () -> f.runtime.wrap("r", direct(16).asReadOnlyBuffer())));
        c.add(inProcess("wrap an empty buffer", IAE, "no remaining bytes", f -> () -> f.runtime.wrap("e", direct(0))));
        c.add(inProcess("wrapTensor of the wrong size", IAE, "expected 16 bytes, the buffer has 8 remaining",
                f -> () -> f.add().wrapTensor("a", direct(8))));
        c.add(inProcess("read into a read-only buffer", IAE, "cannot read into a read-only buffer", f -> {
            Tensor t = f.runtime.allocateTensor("t", 16, 0);
            return () -> t.read(0, direct(16).asReadOnlyBuffer());
        }));
        c.add(inProcess("write from a heap buffer works (staged copy)", null, null, f -> {
            Tensor t = f.runtime.allocateTensor("t", 16, 0);
            return () -> {
                ByteBuffer heap = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
                heap.asFloatBuffer().put(new float[] {1, 2, 3, 4});
                t.write(0, heap);
                assertArrayEquals(new float[] {1, 2, 3, 4}, TestRuntime.toFloats(t.readAll()));
            };
        }));
        // ---- offsets
        c.add(inProcess("write at a negative offset", IAE, "4 bytes at offset -1 do not fit", f -> {
            Tensor t = f.runtime.allocateTensor("t", 16, 0);
            return () -> t.write(-1, direct(4));
        }));
        c.add(inProcess("read at a huge offset", IAE, "at offset 9223372036854775807 do not fit", f -> {
            Tensor t = f.runtime.allocateTensor("t", 16, 0);
            return () -> t.read(Long.MAX_VALUE, direct(4));
        }));
        c.add(inProcess("write past the end", IAE, "8 bytes at offset 12 do not fit in its 16 bytes", f -> {
            Tensor t = f.runtime.allocateTensor("t", 16, 0);
            return () -> t.write(12, direct(8));
        }));
        c.add(inProcess("fill with a negative size", IAE, "do not fit", f -> {
            Tensor t = f.runtime.allocateTensor("t", 16, 0);
            return () -> t.fill(0, -5, 0);
        }));
        c.add(inProcess("slice beyond the end", IAE, "do not fit", f -> {
            Tensor t = f.runtime.allocateTensor("t", 16, 0);
            return () -> t.slice(8, Long.MAX_VALUE - 4, "s");
        }));
        c.add(inProcess("allocate a tensor of size 0", IAE, "size must be > 0",
                f -> () -> f.runtime.allocateTensor("z", 0, 0)));
        // ---- cores
        c.add(inProcess("allocate on a core that is not visible", IAE, "Core 5 is not visible",
                f -> () -> f.runtime.allocateTensor("t", 16, 5)));
        c.add(inProcess("load on a core that is not visible", IAE, "Core 7 is not visible",
                f -> () -> f.runtime.load(TestRuntime.addNeff(4, 0), "x.neff", Placement.core(7))));
        c.add(inProcess("negative core", IAE, "Core index must be >= 0", f -> () -> Placement.core(-1)));
        return c;
    }

    /** 8 threads execute m's bindings in a loop while {@code close} runs: each call succeeds or is refused. */
    private static void closeUnderLoad(NeffModel m, Runnable close) throws Exception {
        List<Binding> bindings = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            bindings.add(m.newBinding());
        }
        CountDownLatch started = new CountDownLatch(8);
        ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        AtomicInteger refused = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (Binding b : bindings) {
            Thread t = new Thread(() -> {
                started.countDown();
                for (int i = 0; i < 1_000_000; i++) {
                    try {
                        b.execute();
                    } catch (IllegalStateException e) {
                        if (!e.getMessage().contains("is closed")) {
                            unexpected.add(e);
                        }
                        refused.incrementAndGet();
                        return;
                    } catch (Throwable e) {
                        unexpected.add(e);
                        return;
                    }
                }
            });
            t.start();
            threads.add(t);
        }
        started.await();
        Thread.sleep(50);
        close.run();
        for (Thread t : threads) {
            t.join(30_000);
            assertTrue(!t.isAlive(), "an executing thread hangs after close");
        }
        assertTrue(unexpected.isEmpty(), () -> "unexpected: " + unexpected);
        assertEquals(8, refused.get(), "every thread saw the close");
    }

    /** 16 threads load, execute and unload models on both cores at once, 20 times each. */
    private static void loadUnload(Fixture f) throws Exception {
        byte[] neff = TestRuntime.addNeff(4, 0);
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            int core = i % 2;
            Thread t = new Thread(() -> {
                try {
                    for (int k = 0; k < 20; k++) {
                        try (NeffModel m = f.runtime.load(neff, "t" + core + ".neff", Placement.core(core));
                                Binding b = m.newBinding()) {
                            b.input("a").write(0, TestRuntime.floats(k, k, k, k));
                            b.input("b").write(0, TestRuntime.floats(1, 2, 3, 4));
                            b.execute();
                            assertArrayEquals(new float[] {k + 1, k + 2, k + 3, k + 4},
                                    TestRuntime.toFloats(b.output("c").readAll()));
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join(60_000);
        }
        assertTrue(errors.isEmpty(), () -> "errors: " + errors);
        TestRuntime.assertNoLiveObjects();
    }

    static Case byName(String name) {
        return all().stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no misuse case '" + name + "'"));
    }

    /** Runs one case: the misuse must end in its exception (or none), then nothing may be left alive. */
    static void run(Case c) throws Exception {
        try (Fixture f = new Fixture()) {
            Executable misuse = c.body().prepare(f);
            Throwable thrown = null;
            try {
                misuse.execute();
            } catch (Throwable t) {
                thrown = t;
            }
            if (c.expected() == null) {
                if (thrown != null) {
                    throw new AssertionError(c.name() + ": expected no exception", thrown);
                }
            } else {
                if (thrown == null || !c.expected().isInstance(thrown)) {
                    throw new AssertionError(c.name() + ": expected " + c.expected().getSimpleName() + " containing '"
                            + c.fragment() + "', got " + thrown, thrown);
                }
                if (thrown.getMessage() == null || !thrown.getMessage().contains(c.fragment())) {
                    throw new AssertionError(c.name() + ": message '" + thrown.getMessage() + "' lacks '"
                            + c.fragment() + "'", thrown);
                }
            }
        }
        TestRuntime.assertNoLiveObjects();
    }

    /** Runs the case named by args[0] in this (child) JVM; prints {@code outcome=ok} and exits 0 on success. */
    public static void main(String[] args) {
        try {
            run(byName(args[0]));
            System.out.println("outcome=ok");
            System.out.flush();
            System.exit(0);
        } catch (Throwable t) {
            System.out.println("outcome=failed");
            t.printStackTrace(System.out);
            System.out.flush();
            System.exit(1);
        }
    }
}
