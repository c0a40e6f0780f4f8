package dev.neuron4j.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The layer rules of the house plan, declared once and checked by each artifact's {@code LayerRulesTest}:
 * command line, server and Spark → API → generated bindings → libnrt. Between artifacts the Maven graph keeps
 * the direction (the core's class path holds no integration); these rules check what the graph cannot see.
 */
public final class LayerRules {
    /** The generated libnrt bindings (and their JavaCPP presets). */
    public static final String BINDINGS = "dev.neuron4j.nrt..";
    /** The core's private helpers: never used outside the core. */
    public static final String INTERNAL = "dev.neuron4j.internal..";
    /** Packages of the artifacts built on the core; none of them may appear in it. */
    public static final String[] INTEGRATIONS = {
        "dev.neuron4j.cli..", "dev.neuron4j.torch..", "dev.neuron4j.djl..", "dev.neuron4j.serve..",
        "dev.neuron4j.spark..", "dev.neuron4j.testkit..", "dev.neuron4j.text.."
    };

    private LayerRules() {}

    /** {@return the main (non-test) classes of the given packages on the class path} */
    public static JavaClasses mainClasses(String... packages) {
        return new ClassFileImporter().withImportOption(new ImportOption.DoNotIncludeTests())
                .withImportOption(new ImportOption.DoNotIncludeJars()).importPackages(packages);
    }

    /** Generated bindings know nothing above them: only themselves, JavaCPP and the JDK. */
    public static ArchRule bindingsKnowNothingAbove() {
        return classes().that().resideInAPackage(BINDINGS).should().onlyDependOnClassesThat()
                .resideInAnyPackage(BINDINGS, "org.bytedeco..", "java..")
                .because("the generated bindings are the layer right above libnrt");
    }

    /** The core's helpers sit between the API and the bindings: they never see the API. */
    public static ArchRule internalSeesOnlyBindings() {
        return classes().that().resideInAPackage(INTERNAL).should().onlyDependOnClassesThat()
                .resideInAnyPackage(INTERNAL, BINDINGS, "org.bytedeco..", "org.slf4j..", "java..")
                .because("dev.neuron4j.internal is below the API");
    }

    /** The NEFF and .npy readers are pure Java: no runtime, no bindings. */
    public static ArchRule readersNeedNoRuntime() {
        return noClasses().that().resideInAnyPackage("dev.neuron4j.neff..", "dev.neuron4j.npy..").should()
                .dependOnClassesThat().resideInAnyPackage(BINDINGS, INTERNAL)
                .because("files are read without a Neuron runtime");
    }

    /** No integration code lives in the core artifact. */
    public static ArchRule coreHoldsNoIntegration() {
        return noClasses().should().resideInAnyPackage(INTEGRATIONS)
                .because("integrations are artifacts of their own, built on the core");
    }

    /** An integration uses the public API only: never the core's internals or the raw bindings. */
    public static ArchRule integrationUsesTheApiOnly() {
        return noClasses().should().dependOnClassesThat().resideInAnyPackage(BINDINGS, INTERNAL)
                .because("integrations are built on the public API (dev.neuron4j), which owns every native object");
    }
}
