package dev.neuron4j;

import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.neuron4j.testing.LayerRules;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** The core's layers: API → internal → generated bindings; the readers need no runtime; no integration inside. */
class LayerRulesTest {
    @TestFactory
    Stream<DynamicTest> theCoreKeepsItsLayers() {
        JavaClasses core = LayerRules.mainClasses("dev.neuron4j");
        return Stream.of(LayerRules.bindingsKnowNothingAbove(), LayerRules.internalSeesOnlyBindings(),
                LayerRules.readersNeedNoRuntime(), LayerRules.coreHoldsNoIntegration())
                .map(rule -> dynamicTest(rule.getDescription(), () -> rule.check(core)));
    }
}
