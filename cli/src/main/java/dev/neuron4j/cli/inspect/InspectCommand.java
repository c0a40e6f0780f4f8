package dev.neuron4j.cli.inspect;

import dev.neuron4j.TensorSpec;
import dev.neuron4j.cli.BaseCommand;
import dev.neuron4j.cli.ExitCodes;
import dev.neuron4j.cli.Json;
import dev.neuron4j.cli.ModelFile;
import dev.neuron4j.neff.EmulatorOp;
import dev.neuron4j.neff.NeffFile;
import dev.neuron4j.neff.NeffHeader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code neuron4j inspect FILE}: what a NEFF or TorchScript file declares, read without any runtime (NEFFs in
 * pure Java; TorchScript files through libtorch, which needs the optional PyTorch jars).
 */
@Command(name = "inspect", description = "Describe a NEFF (header, subgraphs, inputs, outputs) or a "
        + "TorchScript file (methods, forward's inputs). Needs no Neuron runtime.")
public final class InspectCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "FILE", description = "A .neff or TorchScript (.pt) file.")
    Path file;

    @Option(names = "--json", description = "Print JSON: format, inputs, outputs (each name, dtype, shape, "
            + "bytes) and the file's other facts.")
    boolean json;

    @Override
    protected int execute() throws Exception {
        Map<String, Object> r = ModelFile.detect(file) == ModelFile.NEFF ? neff() : TorchScriptFacts.describe(file);
        if (json) {
            out().println(Json.write(r));
        } else {
            print(r);
        }
        return ExitCodes.OK;
    }

    private Map<String, Object> neff() throws java.io.IOException {
        NeffFile neff = NeffFile.read(file);
        NeffHeader h = neff.header();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("format", "neff");
        r.put("file", file.toString());
        r.put("name", h.name());
        r.put("uuid", h.uuid().toString());
        r.put("neff_version", h.neffVersionMajor() + "." + h.neffVersionMinor());
        r.put("build_version", h.buildVersion());
        r.put("compressed", h.pkgVersion() == 2);
        r.put("lnc_size", h.lncSize());
        r.put("num_tpb", h.numTpb());
        r.put("tool_version", neff.toolVersion().orElse(null));
        r.put("subgraphs", neff.subgraphs());
        r.put("emulator_op", neff.emulatorOp().map(InspectCommand::op).orElse(null));
        r.put("inputs", tensors(neff.inputs()));
        r.put("outputs", tensors(neff.outputs()));
        return r;
    }

    private static Map<String, Object> op(EmulatorOp op) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("op", op.kind().jsonName());
        m.put("inputs", op.inputs());
        m.put("outputs", op.outputs());
        m.put("exec_us", op.execMicros());
        return m;
    }

    private static List<Map<String, Object>> tensors(List<TensorSpec> specs) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (TensorSpec s : specs) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("name", s.name());
            t.put("dtype", s.dataType().neffName());
            t.put("shape", s.shape());
            t.put("bytes", s.byteSize());
            list.add(t);
        }
        return list;
    }

    @SuppressWarnings("unchecked")
    private void print(Map<String, Object> r) {
        var out = out();
        for (Map.Entry<String, Object> e : r.entrySet()) {
            String key = e.getKey();
            Object v = e.getValue();
            if (key.equals("inputs") || key.equals("outputs") || v == null) {
                continue;
            }
            if (v instanceof Map<?, ?> m) {
                v = m.toString().replaceAll("[{}]", "");
            } else if (v instanceof List<?> l) {
                v = String.join(", ", l.stream().map(String::valueOf).toList());
            }
            out.printf("%-14s %s%n", key.replace('_', ' '), v);
        }
        for (String kind : List.of("inputs", "outputs")) {
            List<Map<String, Object>> list = (List<Map<String, Object>>) r.get(kind);
            out.printf("%s (%d)%n", kind, list.size());
            for (Map<String, Object> t : list) {
                long[] shape = (long[]) t.get("shape");
                String extra = t.containsKey("type") ? "  (" + t.get("type") + (Boolean.TRUE.equals(
                        t.get("has_default")) ? ", has a default" : "") + ")" : "";
                out.printf("  %-24s %-9s %-18s %12s%s%n", t.get("name"), t.get("dtype"),
                        java.util.Arrays.toString(shape), t.get("bytes") + " B", extra);
            }
        }
        if ("torchscript".equals(r.get("format"))) {
            out.println("(TorchScript files record no shapes or element types: run and bench take them from the "
                    + ".npy inputs)");
        }
    }
}
