package dev.neuron4j.spark;

import java.util.Arrays;
import org.apache.spark.SparkConf;

/**
 * The driver's check of the Spark configuration before a scoring job: the executor plugin is installed and,
 * outside local mode, executors and tasks ask for the {@code neuron} resource (or the one named by
 * {@code spark.neuron4j.resource.name}) (so Spark gives each executor its
 * own cores and runs as many tasks as they serve).
 */
final class SparkSetup {
    private SparkSetup() {}

    /**
     * @throws IllegalStateException naming the settings to add
     */
    static void check(SparkConf conf) {
        String plugin = NeuronSparkPlugin.class.getName();
        String plugins = conf.get("spark.plugins", "") + "," + conf.get("spark.plugins.defaultList", "");
        if (Arrays.stream(plugins.split(",")).map(String::trim).noneMatch(plugin::equals)) {
            throw new IllegalStateException("Scoring on NeuronCores needs the executor plugin: set spark.plugins="
                    + plugin + " (it opens one Neuron runtime per executor JVM)");
        }
        if (isLocal(conf.get("spark.master", ""))) {
            return; // the one executor is this JVM and owns the host's cores; resources are not scheduled
        }
        String name = conf.get(ExecutorSettings.RESOURCE_NAME, ExecutorSettings.RESOURCE);
        String executorAmount = "spark.executor.resource." + name + ".amount";
        String taskAmount = "spark.task.resource." + name + ".amount";
        if (positive(conf.get(executorAmount, "")) <= 0) {
            throw new IllegalStateException("No '" + name + "' resource is configured for the executors: set "
                    + executorAmount + "=<NeuronCores per executor>, spark.executor.resource." + name
                    + ".discoveryScript=<path of neuron4j's discovery script> and " + taskAmount
                    + "=1 (see docs/spark.md)");
        }
        if (positive(conf.get(taskAmount, "")) <= 0) {
            throw new IllegalStateException(executorAmount + " is set but " + taskAmount + " is not: set it to 1 "
                    + "(one task per core) or a fraction (several tasks share a core)");
        }
    }

    /** Local mode ({@code local}, {@code local[N]}, {@code local[N,F]}, {@code local[*]}) but not local-cluster. */
    static boolean isLocal(String master) {
        return master.equals("local") || master.startsWith("local[");
    }

    private static double positive(String amount) {
        try {
            return amount.isEmpty() ? 0 : Double.parseDouble(amount.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
