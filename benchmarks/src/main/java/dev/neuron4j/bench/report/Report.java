package dev.neuron4j.bench.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads the JSON a run of benchmarks/run.sh wrote (JMH {@code -rf json}, the C baselines' {@code --json}, the
 * load and replica harnesses) and writes {@code RESULTS.md} plus PNG charts. Generated: never edit RESULTS.md.
 * Each {@code *Section} class writes the section that answers one question, with the goals it checks, if any;
 * the goals make the summary table at the top.
 *
 * <p>Usage: {@code Report RESULTS_DIR RESULTS.md CHART_DIR MODE ELAPSED_SECONDS [JDK25_VERSION]}
 */
public final class Report {
    private Report() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        Locale.setDefault(Locale.ROOT);
        RawResults raw = RawResults.in(Path.of(args[0]));
        Path chartDir = Path.of(args[2]);
        String mode = args[3];
        long elapsedSeconds = Long.parseLong(args[4]);
        boolean hasJdk25 = args.length > 5 && !args[5].isBlank();

        StringBuilder sections = new StringBuilder();
        Goals goals = new Goals();
        ExecuteOverheadSection.write(raw, sections, goals);
        TrivialCallSection.write(raw, sections, goals);
        ZeroCopySection.write(raw, chartDir, sections, goals);
        ReplicaScalingSection.write(raw, chartDir, sections, goals);
        TorchScriptSection.write(raw, sections, goals);
        ModelLoadSection.write(raw, sections, goals);

        StringBuilder body = new StringBuilder();
        ReportHeader.write(mode, elapsedSeconds, body);
        MachineSection.write(raw, hasJdk25, body);
        goals.writeTable(body);
        body.append(sections);
        Files.writeString(Path.of(args[1]), body.toString());
        System.out.println("wrote " + args[1]);
    }
}
