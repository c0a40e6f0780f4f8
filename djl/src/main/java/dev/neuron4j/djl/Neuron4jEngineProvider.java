package dev.neuron4j.djl;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineProvider;

/**
 * Registers the {@link Neuron4jEngine} with DJL (through {@code META-INF/services/ai.djl.engine.EngineProvider}
 * in the {@code djl} classifier jar). The engine is created on first use; creating it opens nothing.
 */
public final class Neuron4jEngineProvider implements EngineProvider {
    private volatile Engine engine;

    /** Called by {@link java.util.ServiceLoader}. */
    public Neuron4jEngineProvider() {}

    @Override
    public String getEngineName() {
        return Neuron4jEngine.ENGINE_NAME;
    }

    @Override
    public int getEngineRank() {
        return Neuron4jEngine.RANK;
    }

    @Override
    public Engine getEngine() {
        Engine e = engine;
        if (e == null) {
            synchronized (this) {
                e = engine;
                if (e == null) {
                    e = new Neuron4jEngine();
                    engine = e;
                }
            }
        }
        return e;
    }
}
