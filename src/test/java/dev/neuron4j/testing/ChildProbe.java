package dev.neuron4j.testing;

import static dev.neuron4j.nrt.global.nrt.*;

import dev.neuron4j.NeuronRuntime;
import dev.neuron4j.internal.NativeLibrary;
import dev.neuron4j.nrt.nrt_model_t;
import dev.neuron4j.nrt.nrt_tensor_info_array_t;
import dev.neuron4j.nrt.nrt_tensor_info_t;
import dev.neuron4j.nrt.nrt_version_t;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;

/**
 * Main class run by {@link ChildJvm}: does one thing against libnrt and prints {@code key=value} lines for
 * the parent test to check. Commands: {@code load} (then, if that failed, {@code NeuronRuntime.open}),
 * {@code counts}, {@code dtypes <neff file>}.
 */
public final class ChildProbe {
    private ChildProbe() {}

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "load" -> load();
            case "counts" -> counts();
            case "dtypes" -> dtypes(args[1]);
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    private static void load() {
        try {
            System.out.println("loaded=" + NativeLibrary.load());
        } catch (RuntimeException e) {
            System.out.println("exception=" + e.getClass().getName());
            try (NeuronRuntime runtime = NeuronRuntime.open()) {
                System.out.println("opened=" + runtime);
            } catch (RuntimeException fromOpen) {
                System.out.println("openException=" + fromOpen.getClass().getName());
                System.out.println("sameMessage=" + e.getMessage().equals(fromOpen.getMessage()));
            }
            System.out.println("message-begin");
            System.out.println(e.getMessage());
        }
    }

    private static void counts() {
        Emu.load();
        int[] count = new int[1];
        System.out.println("totalStatus=" + nrt_get_total_vnc_count(count));
        System.out.println("total=" + count[0]);
        int init = nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, "", "");
        System.out.println("init=" + init);
        if (init == NRT_SUCCESS) {
            try {
                System.out.println("visibleStatus=" + nrt_get_visible_vnc_count(count));
                System.out.println("visible=" + count[0]);
            } finally {
                nrt_close();
            }
        }
    }

    private static void dtypes(String neffFile) throws Exception {
        Emu.init();
        try (nrt_version_t v = new nrt_version_t()) {
            nrt_get_version(v, Loader.sizeof(nrt_version_t.class));
            System.out.println("version=" + v.rt_major() + "." + v.rt_minor() + "." + v.rt_patch() + "."
                    + v.rt_maintenance());
            byte[] neff = java.nio.file.Files.readAllBytes(java.nio.file.Paths.get(neffFile));
            nrt_model_t model = new nrt_model_t();
            try (BytePointer bytes = new BytePointer(neff)) {
                System.out.println("loadStatus=" + nrt_load(bytes, neff.length, -1, -1, model));
            }
            nrt_tensor_info_array_t info = new nrt_tensor_info_array_t();
            try {
                System.out.println("infoStatus=" + nrt_get_model_tensor_info(model, info));
                for (int i = 0; i < info.tensor_count(); i++) {
                    nrt_tensor_info_t t = info.tensor_array(i);
                    System.out.println("dtype." + t.name().getString() + "=" + t.dtype());
                }
            } finally {
                nrt_free_model_tensor_info(info);
                nrt_unload(model);
            }
        } finally {
            Emu.close();
        }
        System.out.println("done=true");
    }
}
