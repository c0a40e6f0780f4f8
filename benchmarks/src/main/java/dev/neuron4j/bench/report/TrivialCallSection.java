package dev.neuron4j.bench.report;

import static dev.neuron4j.bench.report.Jmh.meanAndError;
import static dev.neuron4j.bench.report.Jmh.score;
import static dev.neuron4j.bench.report.Markdown.jmhRow;
import static dev.neuron4j.bench.report.Markdown.number;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/**
 * What a trivial libnrt call ({@code nrt_get_visible_vnc_count}) costs through the binding, against C, FFM and the
 * hand-written JNI controls that show the JVM's own floor (the native-call transition). The goal is what the binding
 * adds over hand-written JNI of the same call; binding − C, most of which is the transition, is information.
 */
final class TrivialCallSection {
    private final JsonNode core;
    private final JsonNode ffm;
    private final JsonNode pointerForm;
    private final JsonNode binding;
    private final JsonNode jniEmpty;
    private final JsonNode jniSame;
    private final JsonNode jniSameCrit;
    private final JsonNode binding25;
    private final JsonNode binding25Mb;
    private final JsonNode ffmPlainMb;
    private final JsonNode ffmCritical;
    private final double cSingleThreaded;
    private final double cThreaded;
    private final double cEmptyLoop;

    private TrivialCallSection(RawResults raw) throws IOException {
        core = raw.core();
        ffm = raw.ffm();
        pointerForm = Jmh.result(core, "CallBench.binding");
        binding = Jmh.result(core, "CallBench.bindingAddress");
        jniEmpty = Jmh.result(core, "CallBench.jniEmpty");
        jniSame = Jmh.result(core, "CallBench.jniSameCall");
        jniSameCrit = Jmh.result(core, "CallBench.jniSameCallCritical");
        binding25 = Jmh.result(ffm, "FfmCallBench.bindingAddress");
        binding25Mb = Jmh.result(ffm, "FfmCallBench.bindingAddressMembarrier");
        ffmPlainMb = Jmh.result(ffm, "FfmCallBench.ffmMembarrier");
        ffmCritical = Jmh.result(ffm, "FfmCallBench.ffmCritical");
        JsonNode threaded = raw.read("c-call_loop-threaded.json");
        cSingleThreaded = CBaseline.median(raw.read("c-call_loop.json"), "nrt_get_visible_vnc_count");
        cThreaded = CBaseline.median(threaded, "nrt_get_visible_vnc_count");
        cEmptyLoop = CBaseline.median(threaded, "empty_loop");
    }

    /** Appends the section to {@code md} and its goals to {@code goals}. */
    static void write(RawResults raw, StringBuilder md, Goals goals) throws IOException {
        new TrivialCallSection(raw).write(md, goals);
    }

    private void write(StringBuilder md, Goals goals) {
        md.append("## Trivial call\n\n`nrt_get_visible_vnc_count(&n)` after `nrt_init`: JavaCPP binding with a "
                + "pre-allocated `IntPointer` (its JNI code reads the Pointer's address and position through JNI) and "
                + "in its address form (`long`: passed as is), FFM on JDK 25 (plain and "
                + "`Linker.Option.critical(false)`), C `call_loop` (through the PLT). The JDK-25 rows are one JMH run. "
                + "The C loop's consecutive calls overlap in the CPU (well under a call's latency); a JNI or plain "
                + "FFM call begins with a thread-state transition that they cannot overlap, which is why only FFM's "
                + "`critical` comes close to C. The hand-written JNI rows (`native/bench/jni_floor.c`) split the "
                + "binding's cost: an empty native method is the JVM's transition alone, which no JNI binding can go "
                + "below; the same call in the plainest JNI code is the best a binding of it can do. Their critical "
                + "forms (`-XX:+CriticalJNINatives`, JDK 17 only: deprecated in 16, removed in 18) skip the transition, "
                + "like FFM's `critical`; neuron4j does not use them.\n\n"
                + "The goal is what the binding adds: binding − hand-written JNI of the same call ≤ 1 ns. Binding − C is "
                + "not a goal: most of it is the JVM's transition, which the empty JNI method pays alone and no JNI "
                + "binding can go below on this CPU.\n\n");
        writeTable(md);
        writeDifferences(md);
        double overJni = score(binding) - score(jniSame);
        goals.add("Trivial call: JavaCPP binding − hand-written JNI of the same call (JDK 17)", number("%.2f ns", overJni)
                + " (binding, address form " + number("%.2f", score(binding)) + ", hand-written JNI "
                + number("%.2f", score(jniSame)) + ", `IntPointer` form " + number("%.2f", score(pointerForm))
                + "; binding − C " + number("%.2f", score(binding) - cThreaded) + ", C " + number("%.2f", cThreaded)
                + (jniEmpty != null ? "; an empty hand-written JNI method alone: C + " + number("%.2f", jniFloor()) : "")
                + "; FFM critical on JDK 25: " + number("%.2f", score(ffmCritical)) + ")", "≤ 1 ns", overJni <= 1,
                binding != null && jniSame != null);
        if (binding25Mb != null) {
            double dMb = score(binding25Mb) - cThreaded;
            md.append("With `-XX:+UseSystemMemoryBarrier` (JDK 25) the transition's fence goes: binding (address form) − C = **")
                    .append(number("%.2f", dMb)).append(" ns**; plain FFM − C = ")
                    .append(number("%.2f", score(ffmPlainMb) - cThreaded)).append(" ns.\n\n");
            goals.information("Trivial call: JavaCPP binding − C, JDK 25 with `-XX:+UseSystemMemoryBarrier`",
                    number("%.2f ns", dMb) + " (binding, address form " + number("%.2f", score(binding25Mb)) + ", C "
                    + number("%.2f", cThreaded) + ")");
        }
    }

    /** {@return the empty hand-written JNI method − C: the JVM's transition} */
    private double jniFloor() {
        return score(jniEmpty) - cThreaded;
    }

    private void writeTable(StringBuilder md) {
        md.append("| variant | ns/op | B/op |\n|---|---|---|\n");
        md.append("| JDK 17: JMH floor (field read) | ").append(meanAndError(Jmh.result(core, "CallBench.baseline"), "%.2f"))
                .append(" | – |\n");
        jmhRow(md, "JDK 17: JavaCPP binding, `IntPointer`", pointerForm, "%.2f");
        jmhRow(md, "JDK 17: JavaCPP binding, address form", binding, "%.2f");
        jmhRow(md, "JDK 17: hand-written JNI, empty method (the transition alone)", jniEmpty, "%.2f");
        jmhRow(md, "JDK 17: hand-written JNI, same call", jniSame, "%.2f");
        jmhRow(md, "JDK 17 + `-XX:+CriticalJNINatives`: hand-written critical native, empty",
                Jmh.result(core, "CallBench.jniEmptyCritical"), "%.2f");
        jmhRow(md, "JDK 17 + `-XX:+CriticalJNINatives`: hand-written critical native, same call", jniSameCrit, "%.2f");
        md.append("| JDK 25: JMH floor | ").append(meanAndError(Jmh.result(ffm, "FfmCallBench.baseline"), "%.2f"))
                .append(" | – |\n");
        jmhRow(md, "JDK 25: JavaCPP binding, `IntPointer`", Jmh.result(ffm, "FfmCallBench.binding"), "%.2f");
        jmhRow(md, "JDK 25: JavaCPP binding, address form", binding25, "%.2f");
        jmhRow(md, "JDK 25: hand-written JNI, empty method", Jmh.result(ffm, "FfmCallBench.jniEmpty"), "%.2f");
        jmhRow(md, "JDK 25 + `-XX:+UseSystemMemoryBarrier`: hand-written JNI, empty method",
                Jmh.result(ffm, "FfmCallBench.jniEmptyMembarrier"), "%.2f");
        jmhRow(md, "JDK 25 + `-XX:+UseSystemMemoryBarrier`: JavaCPP binding, address form", binding25Mb, "%.2f");
        jmhRow(md, "JDK 25: FFM downcall", Jmh.result(ffm, "FfmCallBench.ffm"), "%.2f");
        jmhRow(md, "JDK 25 + `-XX:+UseSystemMemoryBarrier`: FFM downcall", ffmPlainMb, "%.2f");
        jmhRow(md, "JDK 25: FFM + `critical(false)` (floor)", ffmCritical, "%.2f");
        md.append("| C `call_loop --threaded` (median) | ").append(number("%.2f", cThreaded)).append(" | – |\n");
        md.append("| C `call_loop` single-threaded (median) | ").append(number("%.2f", cSingleThreaded)).append(" | – |\n");
        md.append("| C empty loop (floor) | ").append(number("%.2f", cEmptyLoop)).append(" | – |\n\n");
    }

    /** The differences the table implies: binding − C, FFM critical − C, and where the JDK 17 time goes. */
    private void writeDifferences(StringBuilder md) {
        md.append("Binding (address form) − C: JDK 17 ").append(number("%.2f", score(binding) - cThreaded))
                .append(" ns, JDK 25 ").append(number("%.2f", score(binding25) - cThreaded)).append(" ns. FFM critical − C: ")
                .append(number("%.2f", score(ffmCritical) - cThreaded)).append(" ns; binding − FFM critical (JDK 25): ")
                .append(number("%.2f", score(binding25) - score(ffmCritical)))
                .append(" ns — how far the binding is from the limit.\n\n");
        if (jniEmpty != null) {
            md.append("Where the JDK 17 time goes: the empty JNI method − C = **").append(number("%.2f", jniFloor()))
                    .append(" ns** (the JVM's transition, paid by any JNI binding before its code runs); binding "
                            + "(address form) − empty JNI method = ").append(number("%.2f", score(binding) - score(jniEmpty)))
                    .append(" ns (the glue and the libnrt function); binding − hand-written JNI of the same call = ")
                    .append(number("%.2f", score(binding) - score(jniSame)))
                    .append(" ns (what JavaCPP's generated code adds: the goal, ≤ 1 ns). Without the transition (critical "
                            + "native) the same call costs C + ").append(number("%.2f", score(jniSameCrit) - cThreaded)).append(" ns.\n\n");
        }
    }
}
