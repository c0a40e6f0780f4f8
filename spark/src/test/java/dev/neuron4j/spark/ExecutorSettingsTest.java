package dev.neuron4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The executor's cores and libnrt variables, from its resource addresses and the Spark configuration. */
class ExecutorSettingsTest {
    @Test
    void assignedAddressesBecomeTheVisibleCores() {
        ExecutorSettings s = ExecutorSettings.of(new String[] {"5", "4", "6"},
                Map.of("spark.neuron4j.runtime.env.NEURON_RT_EXEC_TIMEOUT", "30", "spark.other", "x"));
        assertEquals(List.of(4, 5, 6), s.cores());
        assertEquals(Map.of("NEURON_RT_EXEC_TIMEOUT", "30", "NEURON_RT_VISIBLE_CORES", "4-6"),
                s.runtimeOptions().environment());
    }

    @Test
    void noAddressesLeaveTheCoresToTheRuntime() {
        ExecutorSettings s = ExecutorSettings.of(null, Map.of());
        assertTrue(s.cores().isEmpty());
        assertTrue(s.runtimeOptions().environment().isEmpty());
    }

    @Test
    void coresThatAreNotOneRangeOrNotIdsAreRefused() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ExecutorSettings.of(new String[] {"0", "2"}, Map.of())).getMessage().contains("not contiguous"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ExecutorSettings.of(new String[] {"nc0"}, Map.of())).getMessage().contains("'nc0'"));
    }
}
