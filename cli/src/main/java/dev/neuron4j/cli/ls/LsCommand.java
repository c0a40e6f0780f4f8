package dev.neuron4j.cli.ls;

import dev.neuron4j.CoreMemory;
import dev.neuron4j.NeuronRuntime;
import dev.neuron4j.cli.BaseCommand;
import dev.neuron4j.cli.ExitCodes;
import dev.neuron4j.cli.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code neuron4j ls}: the runtime and its NeuronCores, like {@code neuron-ls}. */
@Command(name = "ls", description = "Show the Neuron runtime (version, real or emulated), the instance family, "
        + "total and visible NeuronCores and the memory of each core.")
public final class LsCommand extends BaseCommand {
    @Option(names = "--json", description = "Print JSON: version, emulated, library, instance_family, "
            + "total_cores, visible_cores, cores[{index, memory_bytes, memory_used_bytes}].")
    boolean json;

    @Override
    protected int execute() {
        try (NeuronRuntime runtime = openRuntime()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("version", runtime.version().toString());
            r.put("emulated", runtime.isEmulated());
            r.put("library", runtime.libraryFile());
            r.put("instance_family", runtime.instanceFamily().name().toLowerCase(java.util.Locale.ROOT));
            r.put("total_cores", runtime.totalCores());
            r.put("visible_cores", runtime.visibleCores());
            List<Map<String, Object>> cores = new ArrayList<>();
            for (int i = 0; i < runtime.visibleCores(); i++) {
                CoreMemory m = runtime.coreMemory(i);
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("index", i);
                c.put("memory_bytes", m.bytesLimit());
                c.put("memory_used_bytes", m.bytesUsed());
                cores.add(c);
            }
            r.put("cores", cores);
            if (json) {
                out().println(Json.write(r));
                return ExitCodes.OK;
            }
            out().printf("Neuron runtime   %s%s%n", r.get("version"),
                    runtime.isEmulated() ? " (neuron4j emulator: no NeuronCore is used)" : " (real)");
            out().printf("library          %s%n", runtime.libraryFile());
            out().printf("instance family  %s%n", r.get("instance_family"));
            out().printf("NeuronCores      %d visible of %d%n", runtime.visibleCores(), runtime.totalCores());
            out().println();
            out().printf("%-5s %12s %12s%n", "core", "memory", "used");
            for (Map<String, Object> c : cores) {
                out().printf("%-5s %12s %12s%n", c.get("index"), bytes((Long) c.get("memory_bytes")),
                        bytes((Long) c.get("memory_used_bytes")));
            }
            return ExitCodes.OK;
        }
    }

    static String bytes(long n) {
        if (n >= 1L << 30 && n % (1L << 20) == 0) {
            return String.format("%.1f GiB", n / (double) (1L << 30));
        }
        if (n >= 1L << 20) {
            return String.format("%.1f MiB", n / (double) (1L << 20));
        }
        if (n >= 1L << 10) {
            return String.format("%.1f KiB", n / 1024.0);
        }
        return n + " B";
    }
}
