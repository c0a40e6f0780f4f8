package dev.neuron4j.spark;

import dev.neuron4j.testing.LayerRules;
import org.junit.jupiter.api.Test;

/** dev.neuron4j.spark is built on the public API only. */
class LayerRulesTest {
    @Test
    void usesTheApiOnly() {
        LayerRules.integrationUsesTheApiOnly().check(LayerRules.mainClasses("dev.neuron4j.spark"));
    }
}
