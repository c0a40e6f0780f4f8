package dev.neuron4j;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.neuron4j.testing.LayerRules;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The core's layers: API → internal → generated bindings; the readers need no runtime. */
class LayerRulesTest {
    private static JavaClasses core;

    @BeforeAll
    static void importCore() {
        core = LayerRules.mainClasses("dev.neuron4j");
    }

    @Test
    void bindingsKnowNothingAbove() {
        LayerRules.bindingsKnowNothingAbove().check(core);
    }

    @Test
    void internalSeesOnlyBindings() {
        LayerRules.internalSeesOnlyBindings().check(core);
    }

    @Test
    void readersNeedNoRuntime() {
        LayerRules.readersNeedNoRuntime().check(core);
    }

    @Test
    void coreHoldsNoIntegration() {
        LayerRules.coreHoldsNoIntegration().check(core);
    }
}
