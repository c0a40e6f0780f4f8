package dev.neuron4j.nrt.presets;

import org.bytedeco.javacpp.annotation.NoException;
import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;
import org.bytedeco.javacpp.tools.Info;
import org.bytedeco.javacpp.tools.InfoMap;
import org.bytedeco.javacpp.tools.InfoMapper;

/**
 * JavaCPP preset for the Neuron Runtime C API (libnrt): generates {@code dev.neuron4j.nrt.*} and
 * {@code dev.neuron4j.nrt.global.nrt}. Only symbols the real libnrt exports are bound here; the emulator's
 * test hooks have their own preset, {@link nrt_emu}, in a separate JNI library.
 */
@NoException
@Properties(
        target = "dev.neuron4j.nrt",
        global = "dev.neuron4j.nrt.global.nrt",
        value = @Platform(
                value = "linux-x86_64",
                cinclude = {
                    "nrt/nrt_status.h",
                    "ndl/neuron_driver_shared_tensor_batch_op.h",
                    "nrt/nrt.h",
                    "nrt/nrt_experimental.h",
                    "nrt/nrt_version.h",
                    "nrt/nrt_profile.h",
                    "nrt/nrt_async.h",
                    "neuron4j/nrt_legacy_dtype.h"
                },
                link = "nrt@.1"))
public class nrt implements InfoMapper {
    @Override
    public void map(InfoMap infoMap) {
        // Status codes: a plain int in Java (names live in the Java API's enum).
        infoMap.put(new Info("NRT_STATUS").cast().valueTypes("int").pointerTypes("IntPointer"))
                // Not confirmed to be exported by the real libnrt: a missing symbol would kill the JVM.
                .put(new Info("nrt_get_status_as_str").skip())
                // Callback type of the removed implicit-async mode; no function takes it.
                .put(new Info("NRT_ASYNC_EXEC_STATUS_CALLBACK").skip())
                // Function-like macros.
                .put(new Info("NRTA_SEQ_GET_SEQ_NUM", "NRTA_SEQ_GET_XU_ID").skip())
                // Tensor copies: besides the generated Pointer form, a ByteBuffer form, so that a direct
                // buffer is passed without a Pointer object per call (JavaCPP's JNI code takes its address
                // and adds its position); Tensor.read/write use it for direct buffers only.
                .put(new Info("nrt_tensor_read").javaText(
                        "@NoException public static native @Cast(\"NRT_STATUS\") int nrt_tensor_read(@Const nrt_tensor_t tensor, "
                        + "Pointer buf, @Cast(\"size_t\") long offset, @Cast(\"size_t\") long size);\n"
                        + "@NoException public static native @Cast(\"NRT_STATUS\") int nrt_tensor_read(@Const nrt_tensor_t tensor, "
                        + "@Cast(\"void*\") ByteBuffer buf, @Cast(\"size_t\") long offset, @Cast(\"size_t\") long size);\n"))
                .put(new Info("nrt_tensor_write").javaText(
                        "@NoException public static native @Cast(\"NRT_STATUS\") int nrt_tensor_write(nrt_tensor_t tensor, "
                        + "@Const Pointer buf, @Cast(\"size_t\") long offset, @Cast(\"size_t\") long size);\n"
                        + "@NoException public static native @Cast(\"NRT_STATUS\") int nrt_tensor_write(nrt_tensor_t tensor, "
                        + "@Cast(\"const void*\") ByteBuffer buf, @Cast(\"size_t\") long offset, @Cast(\"size_t\") long size);\n"));
        // Address forms (a native address as a long) of a hot call and a trivial one: JavaCPP's JNI code reads
        // two fields (address, position) of every Pointer argument through JNI, ~1.5 ns each; a long is passed
        // as is. Binding.execute uses the nrt_execute form with addresses cached when the binding is built.
        infoMap.put(new Info("nrt_execute").javaText(
                        "@NoException public static native @Cast(\"NRT_STATUS\") int nrt_execute(nrt_model_t model, "
                        + "@Const nrt_tensor_set_t input_set, nrt_tensor_set_t output_set);\n"
                        + "@NoException public static native @Cast(\"NRT_STATUS\") int nrt_execute(@Cast(\"nrt_model_t*\") long model, "
                        + "@Cast(\"const nrt_tensor_set_t*\") long input_set, @Cast(\"nrt_tensor_set_t*\") long output_set);\n"))
                .put(new Info("nrt_get_visible_vnc_count").javaText(
                        "@NoException public static native @Cast(\"NRT_STATUS\") int nrt_get_visible_vnc_count(@Cast(\"uint32_t*\") IntPointer vnc_count);\n"
                        + "@NoException public static native @Cast(\"NRT_STATUS\") int nrt_get_visible_vnc_count(@Cast(\"uint32_t*\") IntBuffer vnc_count);\n"
                        + "@NoException public static native @Cast(\"NRT_STATUS\") int nrt_get_visible_vnc_count(@Cast(\"uint32_t*\") int[] vnc_count);\n"
                        + "@NoException public static native @Cast(\"NRT_STATUS\") int nrt_get_visible_vnc_count(@Cast(\"uint32_t*\") long vnc_count);\n"));
        // Opaque handles need no entry: "typedef struct nrt_model nrt_model_t" (and nrt_tensor_t) become
        // @Opaque Pointer subclasses, and so does "typedef void nrt_tensor_set_t", so tensor-set arguments
        // are typed (nrt_tensor_set_t, @ByPtrPtr nrt_tensor_set_t) rather than bare Pointers.
    }
}
