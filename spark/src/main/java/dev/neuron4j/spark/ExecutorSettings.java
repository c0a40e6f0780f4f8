package dev.neuron4j.spark;

import dev.neuron4j.RuntimeOptions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How an executor opens its runtime: the NeuronCores Spark assigned to it (global ids, contiguous) and the
 * extra libnrt environment variables from the Spark configuration.
 *
 * <p>Configuration keys (read from the executor's {@code SparkConf}):
 * <ul>
 *   <li>{@code spark.neuron4j.resource.name}: the resource's name, default {@code neuron}.</li>
 *   <li>{@code spark.neuron4j.runtime.env.<NAME>=<value>}: sets {@code NAME} before {@code nrt_init}, e.g.
 *   {@code spark.neuron4j.runtime.env.NEURON_RT_EXEC_TIMEOUT=30} (or emulator knobs such as
 *   {@code NEURON4J_EMU_CORES}).</li>
 * </ul>
 * The cores come from the executor's resource of that name ({@code spark.executor.resource.neuron.*}); without
 * one (Spark local mode, whose single executor has no resources) the runtime owns every free core of the host.
 *
 * <p>Immutable.
 */
final class ExecutorSettings {
    /** The resource name NeuronCores are scheduled under, unless {@link #RESOURCE_NAME} says otherwise. */
    static final String RESOURCE = "neuron";
    /**
     * The key naming the resource, for clusters whose resource name is given: on Kubernetes Spark requests
     * {@code <vendor>/<name>} from the device plugin, so there it is {@code neuroncore} (vendor
     * {@code aws.amazon.com}).
     */
    static final String RESOURCE_NAME = "spark.neuron4j.resource.name";
    /** Prefix of the libnrt environment variables set through the Spark configuration. */
    static final String ENV_PREFIX = "spark.neuron4j.runtime.env.";

    private final List<Integer> cores;
    private final Map<String, String> environment;

    private ExecutorSettings(List<Integer> cores, Map<String, String> environment) {
        this.cores = cores;
        this.environment = environment;
    }

    /** {@return the resource name configured in these entries, default {@link #RESOURCE}} */
    static String resourceName(Map<String, String> conf) {
        return conf.getOrDefault(RESOURCE_NAME, RESOURCE);
    }

    /**
     * Settings from an executor's assigned addresses and configuration.
     *
     * @param addresses the executor's {@code neuron} addresses (global core ids), or {@code null} for none
     * @param conf the configuration entries (only {@link #ENV_PREFIX} keys are read)
     * @return the settings
     * @throws IllegalArgumentException if an address is not a core id or the cores are not contiguous
     */
    static ExecutorSettings of(String[] addresses, Map<String, String> conf) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : conf.entrySet()) {
            if (e.getKey().startsWith(ENV_PREFIX)) {
                env.put(e.getKey().substring(ENV_PREFIX.length()), e.getValue());
            }
        }
        return new ExecutorSettings(cores(addresses), Collections.unmodifiableMap(env));
    }

    private static List<Integer> cores(String[] addresses) {
        if (addresses == null || addresses.length == 0) {
            return List.of();
        }
        List<Integer> ids = new ArrayList<>();
        for (String a : addresses) {
            try {
                ids.add(Integer.parseInt(a.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("The executor's NeuronCore address '" + a
                        + "' is not a NeuronCore id (the discovery script reports ids 0, 1, ...)");
            }
        }
        Collections.sort(ids);
        for (int i = 1; i < ids.size(); i++) {
            if (ids.get(i) != ids.get(i - 1) + 1) {
                throw new IllegalArgumentException("The executor was assigned NeuronCores " + ids
                        + ", which are not contiguous: libnrt owns one contiguous range per process "
                        + "(NEURON_RT_VISIBLE_CORES); give each executor a whole chip or a contiguous slice");
            }
        }
        return Collections.unmodifiableList(ids);
    }

    /** {@return the assigned global core ids, ascending and contiguous; empty if Spark assigned none} */
    List<Integer> cores() {
        return cores;
    }

    /** {@return the runtime options: the assigned cores (if any) and the configured variables} */
    RuntimeOptions runtimeOptions() {
        RuntimeOptions.Builder b = RuntimeOptions.builder();
        for (Map.Entry<String, String> e : environment.entrySet()) {
            b.environment(e.getKey(), e.getValue());
        }
        if (!cores.isEmpty()) {
            b.visibleCores(cores.get(0), cores.size());
        }
        return b.build();
    }

    @Override
    public String toString() {
        return "ExecutorSettings[cores=" + (cores.isEmpty() ? "all free" : cores) + ", environment="
                + Objects.toString(environment) + "]";
    }
}
