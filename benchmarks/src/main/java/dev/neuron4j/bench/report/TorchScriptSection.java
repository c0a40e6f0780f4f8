package dev.neuron4j.bench.report;

import static dev.neuron4j.bench.report.Jmh.bytesPerOp;
import static dev.neuron4j.bench.report.Jmh.meanAndError;
import static dev.neuron4j.bench.report.Jmh.score;
import static dev.neuron4j.bench.report.Markdown.number;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Whether a TorchScript forward through neuron4j keeps up with raw JavaCPP and beats DJL (time and Java heap
 * allocation), and what JavaCPP's knobs (and MKL in place of OpenBLAS) change.
 */
final class TorchScriptSection {
    private static final String[] MODELS = {"tiny", "mlp1", "mlp32"};
    /** The knob variants: the benchmark-name suffix and how the table names it. */
    private static final String[][] KNOBS = {{"MaxPhys0", "`-Dorg.bytedeco.javacpp.maxPhysicalBytes=0`"},
            {"NoPointerGc", "`-Dorg.bytedeco.javacpp.nopointergc=true`"},
            {"Mkl", "MKL for OpenBLAS: `-Dorg.bytedeco.openblas.load=mkl`"}};

    private TorchScriptSection() {
    }

    /** Appends the section to {@code md} and its goals to {@code goals}. */
    static void write(RawResults raw, StringBuilder md, Goals goals) {
        JsonNode torch = raw.torch();
        md.append("## TorchScript\n\nSame `.pt` file per model (built with JavaCPP libtorch 2.10). neuron4j: "
                + "`TorchScriptModel.forward(x)` + copy out; raw JavaCPP (libtorch 2.10, OpenBLAS): input IValue reused, "
                + "`PointerScope` per call; DJL 0.36 (libtorch 2.7.1, MKL): `Predictor<NDList,NDList>`, sub-manager per "
                + "call. One intra-op and one inter-op thread each. µs/op, B/op from `-prof gc` (Java heap only).\n\n");
        md.append("| model | neuron4j µs/op | raw JavaCPP µs/op | DJL µs/op | neuron4j ÷ JavaCPP | neuron4j ÷ DJL | neuron4j B/op | JavaCPP B/op | DJL B/op |\n|---|---|---|---|---|---|---|---|---|\n");
        StringBuilder knobs = new StringBuilder();
        for (String m : MODELS) {
            JsonNode n4 = result(torch, "neuron4j", m);
            JsonNode jc = result(torch, "jcpp", m);
            JsonNode dj = result(torch, "djl", m);
            double rj = score(n4) / score(jc);
            double rd = score(n4) / score(dj);
            md.append("| ").append(m).append(" | ").append(meanAndError(n4, "%.2f")).append(" | ")
                    .append(meanAndError(jc, "%.2f")).append(" | ").append(meanAndError(dj, "%.2f")).append(" | ")
                    .append(number("%.2f", rj)).append(" | ").append(number("%.2f", rd)).append(" | ")
                    .append(number("%.0f", bytesPerOp(n4))).append(" | ").append(number("%.0f", bytesPerOp(jc)))
                    .append(" | ").append(number("%.0f", bytesPerOp(dj))).append(" |\n");
            goals.add("TorchScript " + m + ": neuron4j ≤ raw JavaCPP × 1.10 (time)", number("×%.2f", rj) + " ("
                    + number("%.2f", score(n4)) + " vs " + number("%.2f", score(jc)) + " µs)", "≤ ×1.10", rj <= 1.10,
                    n4 != null && jc != null);
            goals.add("TorchScript " + m + ": neuron4j B/op ≤ raw JavaCPP", number("%.0f", bytesPerOp(n4)) + " vs "
                    + number("%.0f", bytesPerOp(jc)) + " B/op", "≤", bytesPerOp(n4) <= bytesPerOp(jc) + 0.5,
                    n4 != null && jc != null);
            if (m.equals("tiny")) {
                goals.add("TorchScript tiny: neuron4j ≤ 0.6 × DJL", number("×%.2f", rd) + " (" + number("%.2f", score(n4))
                        + " vs " + number("%.2f", score(dj)) + " µs)", "≤ ×0.6", rd <= 0.6, n4 != null && dj != null);
            }
            if (m.equals("mlp32")) {
                writeBackendGap(md, torch, m, jc, dj);
            }
            appendKnobRows(knobs, torch, m, n4, jc);
        }
        if (knobs.length() > 0) {
            md.append("\nJavaCPP knobs (separate forks, same JMH run; change vs the default in parentheses). The MKL forks "
                    + "check that MKL is loaded (`/proc/self/maps`); `org.bytedeco:mkl` 2025.3-1.5.13 "
                    + "(`linux-x86_64-redist`) is on the class path, and JavaCPP then puts MKL's `libmkl_rt` in its cache "
                    + "as `libopenblas.so.0`, so libtorch's `sgemm_` calls MKL:\n\n"
                    + "| model | knob | neuron4j µs/op | raw JavaCPP µs/op | B/op (neuron4j / JavaCPP) |\n|---|---|---|---|---|\n")
                    .append(knobs).append('\n');
        } else {
            md.append("\n(The JavaCPP knob variants run in `--full` mode only.)\n\n");
        }
    }

    private static JsonNode result(JsonNode torch, String variant, String model) {
        return Jmh.result(torch, "TorchBench." + variant, "model", model);
    }

    /** OpenBLAS (JavaCPP's libtorch) against MKL (DJL's), and the MKL forks if they ran. */
    private static void writeBackendGap(StringBuilder md, JsonNode torch, String m, JsonNode jc, JsonNode dj) {
        md.append("\nmlp32: raw JavaCPP ÷ DJL = ").append(number("%.2f", score(jc) / score(dj)))
                .append(" (the backend gap: OpenBLAS in JavaCPP's libtorch 2.10 vs MKL in DJL's 2.7.1).");
        JsonNode jm = result(torch, "jcppMkl", m);
        JsonNode nm = result(torch, "neuron4jMkl", m);
        if (jm != null) {
            md.append(" With MKL under JavaCPP's libtorch too (`-Dorg.bytedeco.openblas.load=mkl`, below): raw "
                    + "JavaCPP ÷ DJL = ").append(number("%.2f", score(jm) / score(dj))).append(", neuron4j ÷ DJL = ")
                    .append(number("%.2f", score(nm) / score(dj))).append('.');
        }
        md.append("\n\n");
    }

    /** One row per knob variant that ran for model {@code m}, with its change against the default. */
    private static void appendKnobRows(StringBuilder knobs, JsonNode torch, String m, JsonNode n4, JsonNode jc) {
        for (String[] k : KNOBS) {
            JsonNode kn = result(torch, "neuron4j" + k[0], m);
            JsonNode kj = result(torch, "jcpp" + k[0], m);
            if (kn != null || kj != null) {
                knobs.append("| ").append(m).append(" | ").append(k[1]).append(" | ").append(meanAndError(kn, "%.2f"))
                        .append(" (").append(number("%+.0f %%", (score(kn) / score(n4) - 1) * 100)).append(") | ")
                        .append(meanAndError(kj, "%.2f")).append(" (")
                        .append(number("%+.0f %%", (score(kj) / score(jc) - 1) * 100)).append(") | ")
                        .append(number("%.0f", bytesPerOp(kn))).append(" / ").append(number("%.0f", bytesPerOp(kj)))
                        .append(" |\n");
            }
        }
    }
}
