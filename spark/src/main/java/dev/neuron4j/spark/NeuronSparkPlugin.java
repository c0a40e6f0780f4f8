package dev.neuron4j.spark;

import java.util.HashMap;
import java.util.Map;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;
import org.apache.spark.resource.ResourceInformation;
import scala.Tuple2;

/**
 * The Spark plugin that gives each executor JVM its Neuron runtime ({@link NeuronExecutor}): set
 * {@code spark.plugins=dev.neuron4j.spark.NeuronSparkPlugin}. The executor part opens the runtime on the
 * executor's {@code neuron} addresses (or those of {@code spark.neuron4j.resource.name}) when the executor starts and closes it (models included) when the
 * executor stops; there is no driver part (the driver never opens a runtime). In local mode the one executor
 * lives in the driver JVM and is started and stopped with the {@code SparkContext}.
 */
public final class NeuronSparkPlugin implements SparkPlugin {
    @Override
    public DriverPlugin driverPlugin() {
        return null;
    }

    @Override
    public ExecutorPlugin executorPlugin() {
        return new Executor();
    }

    /** Opens and closes the executor's runtime. */
    private static final class Executor implements ExecutorPlugin {
        @Override
        public void init(PluginContext ctx, Map<String, String> extraConf) {
            Map<String, String> conf = new HashMap<>();
            for (Tuple2<String, String> e : ctx.conf().getAll()) {
                conf.put(e._1(), e._2());
            }
            ResourceInformation cores = ctx.resources().get(ExecutorSettings.resourceName(conf));
            NeuronExecutor.start(ExecutorSettings.of(cores == null ? null : cores.addresses(), conf));
        }

        @Override
        public void shutdown() {
            NeuronExecutor.stop();
        }
    }
}
