package dev.neuron4j.nrt.presets;

import org.bytedeco.javacpp.annotation.NoException;
import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;
import org.bytedeco.javacpp.tools.InfoMap;
import org.bytedeco.javacpp.tools.InfoMapper;

/**
 * JavaCPP preset for the test hooks of the neuron4j libnrt emulator ({@code neuron4j/nrt_emu.h}). They are
 * bound in their own JNI library ({@code jninrt_emu}) so that the main one never references a symbol the
 * real libnrt lacks; load it only when the emulator is selected.
 */
@NoException
@Properties(
        inherit = nrt.class,
        target = "dev.neuron4j.nrt.emu",
        global = "dev.neuron4j.nrt.global.nrt_emu",
        value = @Platform(value = "linux-x86_64", cinclude = "neuron4j/nrt_emu.h", library = "jninrt_emu"))
public class nrt_emu implements InfoMapper {
    @Override
    public void map(InfoMap infoMap) {}
}
