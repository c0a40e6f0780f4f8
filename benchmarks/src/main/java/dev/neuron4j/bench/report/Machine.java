package dev.neuron4j.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the machine is, from /proc (Linux). */
final class Machine {
    private Machine() {}

    static String cpu() {
        String model = field("/proc/cpuinfo", "model name");
        String hyper = field("/proc/cpuinfo", "flags").contains("hypervisor") ? ", virtualised" : "";
        return Runtime.getRuntime().availableProcessors() + " CPUs, " + model + hyper;
    }

    static String memory() {
        String total = field("/proc/meminfo", "MemTotal");
        try {
            long kib = Long.parseLong(total.replaceAll("[^0-9]", ""));
            return String.format("%.1f GiB", kib / 1024.0 / 1024.0);
        } catch (NumberFormatException e) {
            return total;
        }
    }

    private static String field(String file, String key) {
        try {
            for (String line : Files.readAllLines(Path.of(file))) {
                if (line.startsWith(key)) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            return "unknown";
        }
        return "unknown";
    }
}
