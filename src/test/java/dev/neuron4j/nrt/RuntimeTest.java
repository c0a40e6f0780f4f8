package dev.neuron4j.nrt;

import static dev.neuron4j.nrt.global.nrt.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neuron4j.testing.Emu;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;

/** Lifecycle and discovery calls through the generated bindings, against the emulator. */
class RuntimeTest {
    @Test
    void initAndCloseLeaveNothingBehind() {
        Emu.load();
        Emu.assertNoLiveObjects();
        Emu.init();
        try {
            int[] visible = new int[1];
            int[] total = new int[1];
            assertEquals(NRT_SUCCESS, nrt_get_visible_vnc_count(visible));
            assertEquals(NRT_SUCCESS, nrt_get_total_vnc_count(total));
            // No NEURON_RT_VISIBLE_CORES / NEURON_RT_NUM_CORES here: the process owns every core.
            assertTrue(total[0] >= 1, "total cores " + total[0]);
            assertEquals(total[0], visible[0]);
        } finally {
            Emu.close();
        }
    }

    @Test
    void versionIsTheEmulatorsAndWorksBeforeInit() {
        Emu.load();
        assertEquals(224, Loader.sizeof(nrt_version_t.class));
        try (nrt_version_t v = new nrt_version_t()) {
            assertEquals(NRT_SUCCESS, nrt_get_version(v, Loader.sizeof(nrt_version_t.class)));
            assertEquals(2, v.rt_major());
            assertEquals(30, v.rt_minor());
            assertEquals(50, v.rt_patch());
            assertEquals(0, v.rt_maintenance());
            String detail = v.rt_detail().getString();
            assertTrue(detail.toLowerCase(java.util.Locale.ROOT).contains("emulator"), detail);
            // A size smaller than the struct is refused.
            assertEquals(NRT_INVALID, nrt_get_version(v, 8));
        }
        Emu.assertNoLiveObjects();
    }

    @Test
    void instanceInfoAndMemoryStats() {
        Emu.init();
        try (nrt_instance_info_t info = new nrt_instance_info_t();
                nrt_vnc_memory_stats_t stats = new nrt_vnc_memory_stats_t();
                org.bytedeco.javacpp.SizeTPointer written = new org.bytedeco.javacpp.SizeTPointer(1)) {
            assertEquals(32, Loader.sizeof(nrt_instance_info_t.class));
            assertEquals(NRT_SUCCESS, nrt_get_instance_info(info, Loader.sizeof(nrt_instance_info_t.class)));
            assertTrue(info.family() >= NRT_INSTANCE_UNKNOWN && info.family() <= NRT_INSTANCE_TRN3PDS98);

            assertEquals(16, Loader.sizeof(nrt_vnc_memory_stats_t.class));
            assertEquals(NRT_SUCCESS, nrt_get_vnc_memory_stats(0, stats, 16, written));
            assertEquals(16, written.get());
            assertTrue(stats.bytes_limit() > 0, "bytes_limit");
            assertTrue(stats.bytes_used() <= stats.bytes_limit(), "bytes_used");
        } finally {
            Emu.close();
        }
    }
}
