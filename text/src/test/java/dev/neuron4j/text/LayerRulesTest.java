package dev.neuron4j.text;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import dev.neuron4j.testing.LayerRules;
import org.junit.jupiter.api.Test;

/** dev.neuron4j.text is built on the public API only; DJL stays in one class. */
class LayerRulesTest {
    @Test
    void usesTheApiOnly() {
        LayerRules.integrationUsesTheApiOnly().check(LayerRules.mainClasses("dev.neuron4j.text"));
    }

    @Test
    void onlyNativeTokenizerTouchesDjl() {
        noClasses().that().doNotHaveFullyQualifiedName(NativeTokenizer.class.getName()).should()
                .dependOnClassesThat().resideInAPackage("ai.djl..")
                .because("DJL's tokenizers is optional: the public classes must load without it")
                .check(LayerRules.mainClasses("dev.neuron4j.text"));
    }
}
