package dev.neuron4j.serve;

import dev.neuron4j.torch.TorchLibraries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shares the CPUs between a served TorchScript model's concurrent calls. libtorch gives each call up to one
 * intra-op thread per CPU by default; with N calls at once (one per replica) that oversubscribes the CPUs and
 * its OpenMP and OpenBLAS threads spin against each other (measured: /predict on the CPU BERT fixture at
 * concurrency 64 on 2 vCPUs, about 430 req/s at the defaults, 750 with OPENBLAS_NUM_THREADS=1). Only lowers the
 * setting (it is process-wide: with several models the smallest share wins), and leaves it alone when
 * {@code OMP_NUM_THREADS} or {@code OPENBLAS_NUM_THREADS} is set.
 */
final class TorchThreads {
    private static final Logger LOG = LoggerFactory.getLogger(TorchThreads.class);

    private TorchThreads() {}

    /**
     * Lowers libtorch's intra-op threads to CPUs / concurrent calls (at least 1).
     *
     * @param model the model's name, for the log
     * @param concurrentCalls how many calls the model runs at once
     */
    static void shareCpus(String model, int concurrentCalls) {
        if (System.getenv("OMP_NUM_THREADS") != null || System.getenv("OPENBLAS_NUM_THREADS") != null) {
            LOG.info("Model '{}': libtorch and OpenBLAS threads left as set (OMP_NUM_THREADS or "
                    + "OPENBLAS_NUM_THREADS is set)", model);
            return;
        }
        int share = Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, concurrentCalls));
        int current = TorchLibraries.intraOpThreads();
        if (share < current) {
            TorchLibraries.setIntraOpThreads(share);
            LOG.info("Model '{}': libtorch and OpenBLAS threads {} -> {} ({} CPU(s), {} call(s) at once)", model,
                    current, share, Runtime.getRuntime().availableProcessors(), concurrentCalls);
        }
    }
}
