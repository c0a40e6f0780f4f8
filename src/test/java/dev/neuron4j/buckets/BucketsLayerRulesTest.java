package dev.neuron4j.buckets;

import dev.neuron4j.testing.LayerRules;
import org.junit.jupiter.api.Test;

/** The buckets are built on the public API, like an integration: no internals, no raw bindings. */
class BucketsLayerRulesTest {
    @Test
    void bucketsUseThePublicApiOnly() {
        LayerRules.integrationUsesTheApiOnly().check(LayerRules.mainClasses("dev.neuron4j.buckets"));
    }
}
