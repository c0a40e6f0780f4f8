package dev.neuron4j.spark;

import dev.neuron4j.NeuronRuntime;
import dev.neuron4j.RuntimeOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Spark's resource discovery for NeuronCores: prints {@code {"name": "neuron", "addresses": ["0", "1", ...]}},
 * the global ids of the host's NeuronCores, as the runtime counts them. Run by the shipped script
 * {@code dev/neuron4j/spark/neuron-discovery.sh} (see docs/spark.md), on a real host or the emulator alike.
 *
 * <p>With {@code NEURON_RT_VISIBLE_CORES} set (as the Neuron device plugin does in a Kubernetes pod), the ids
 * are those cores; otherwise all cores of the host. The name is {@code neuron}, or {@code NEURON4J_SPARK_RESOURCE}
 * when set (it must be the resource's name in the Spark configuration, e.g. {@code neuroncore} on Kubernetes). To count them it opens a runtime on one free core for a
 * moment (libnrt reports counts only to an initialised runtime here), so it fails while every core is owned by
 * another process: run it before the executors start, as Spark does.
 */
public final class NeuronCoreDiscovery {
    /** The variable naming the resource when it is not {@code neuron} (e.g. {@code neuroncore} on Kubernetes). */
    static final String RESOURCE_ENV = "NEURON4J_SPARK_RESOURCE";

    private NeuronCoreDiscovery() {}

    /**
     * Prints the resource JSON on standard output (logs go to standard error).
     *
     * @param args none
     */
    public static void main(String[] args) {
        String name = System.getenv(RESOURCE_ENV);
        System.out.println(json(name == null || name.isBlank() ? ExecutorSettings.RESOURCE : name.trim(),
                discover(System.getenv("NEURON_RT_VISIBLE_CORES"))));
    }

    /** {@return the global core ids to report} @param visibleCores NEURON_RT_VISIBLE_CORES, or null */
    static List<Integer> discover(String visibleCores) {
        boolean restricted = visibleCores != null && !visibleCores.isBlank();
        RuntimeOptions.Builder options = RuntimeOptions.builder();
        if (restricted) {
            options.environment("NEURON_RT_VISIBLE_CORES", visibleCores.trim());
        } else {
            options.numCores(1);
        }
        try (NeuronRuntime runtime = NeuronRuntime.open(options.build())) {
            List<Integer> ids = new ArrayList<>();
            if (restricted) {
                int first = firstCore(visibleCores);
                for (int i = 0; i < runtime.visibleCores(); i++) {
                    ids.add(first + i);
                }
            } else {
                for (int i = 0; i < runtime.totalCores(); i++) {
                    ids.add(i);
                }
            }
            return ids;
        }
    }

    /** The first id of a NEURON_RT_VISIBLE_CORES list ({@code 3}, {@code 0-2}, {@code 3-5,6}: contiguous). */
    private static int firstCore(String visibleCores) {
        String first = visibleCores.trim().split("[,-]")[0].trim();
        return Integer.parseInt(first);
    }

    /** {@return Spark's resource JSON for these core ids} */
    static String json(String name, List<Integer> ids) {
        return "{\"name\": \"" + name + "\", \"addresses\": ["
                + ids.stream().map(id -> "\"" + id + "\"").collect(Collectors.joining(", ")) + "]}";
    }
}
