package dev.neuron4j.serve;

import dev.neuron4j.NeuronRuntime;
import dev.neuron4j.RuntimeOptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Opens the emulator before each test and, after the test's own {@code @AfterEach} methods (which close what
 * runs on it), closes it and checks that nothing is left live. Register with {@code @RegisterExtension}.
 */
final class EmulatorRuntimeExtension implements BeforeEachCallback, AfterEachCallback {
    private NeuronRuntime runtime;

    /** {@return the runtime of the current test} */
    NeuronRuntime runtime() {
        return runtime;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        runtime = ServeTests.openEmulator(RuntimeOptions.builder());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        ServeTests.closeAndAssertNoLiveObjects(runtime);
        runtime = null;
    }
}
