package dev.neuron4j.serve;

import dev.neuron4j.NeuronRuntime;
import dev.neuron4j.RuntimeOptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Opens the emulator before each test (or once for a {@code PER_CLASS} test class) and, after the test's own
 * {@code @AfterEach} (or {@code @AfterAll}) methods, which close what runs on it, closes it and checks that
 * nothing is left live. Register with {@code @RegisterExtension}.
 */
final class EmulatorRuntimeExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {
    private final boolean perClass;
    private NeuronRuntime runtime;

    private EmulatorRuntimeExtension(boolean perClass) {
        this.perClass = perClass;
    }

    /** {@return a runtime for each test} */
    static EmulatorRuntimeExtension perTest() {
        return new EmulatorRuntimeExtension(false);
    }

    /** {@return one runtime for all the tests of a {@code PER_CLASS} test class (a non-static field)} */
    static EmulatorRuntimeExtension perClass() {
        return new EmulatorRuntimeExtension(true);
    }

    /** {@return the runtime of the current test} */
    NeuronRuntime runtime() {
        return runtime;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (perClass) {
            open();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (perClass) {
            close();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!perClass) {
            open();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            close();
        }
    }

    private void open() {
        runtime = ServeTests.openEmulator(RuntimeOptions.builder());
    }

    private void close() {
        ServeTests.closeAndAssertNoLiveObjects(runtime);
        runtime = null;
    }
}
