package dev.neuron4j.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.neuron4j.torch.TorchLibraries;
import org.junit.jupiter.api.Test;

class TorchThreadsTest {
    @Test
    void concurrentCallsShareTheCpusAndTheSettingIsOnlyLowered() {
        assumeTrue(System.getenv("OMP_NUM_THREADS") == null && System.getenv("OPENBLAS_NUM_THREADS") == null,
                "OMP_NUM_THREADS or OPENBLAS_NUM_THREADS is set: the settings are left alone");
        int cpus = Runtime.getRuntime().availableProcessors();
        TorchThreads.shareCpus("m", cpus); // as many calls as CPUs: one thread each
        assertEquals(1, TorchLibraries.intraOpThreads());
        assertEquals(1, org.bytedeco.openblas.presets.openblas_nolapack.blas_get_num_threads());
        TorchThreads.shareCpus("m", 1); // a later model with one call does not raise it again
        assertEquals(1, TorchLibraries.intraOpThreads());
    }
}
