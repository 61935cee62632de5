package io.clnet.device.cpu;

/** Row-major single-precision GEMM on host arrays: {@code C = alpha * op(A) * op(B) + beta * C}. */
interface CpuGemm {

    void gemm(boolean transA, boolean transB, int m, int n, int k,
              float alpha, float[] a, int aOffset, int lda,
              float[] b, int bOffset, int ldb,
              float beta, float[] c, int cOffset, int ldc);

    /**
     * The machine's floating-point peak as this path can reach it, measured now: every core runs a short
     * loop of independent FMAs. GEMM speed divided by this is the fraction of peak (MFU).
     */
    double measurePeakGflops();

    /**
     * Runs {@code perThread} on every core at once (on the threads that run every CPU op), {@code rounds} times;
     * returns the best total GFLOP/s. The best, because anything else on the machine (a JIT compile, another
     * process) only ever makes a round slower.
     */
    static double bestRate(int rounds, double flopsPerThread, Runnable perThread) {
        double best = 0;
        for (int r = 0; r < rounds; r++) {
            long start = System.nanoTime();
            Parallel.forRange(Parallel.THREADS, 1, (from, to) -> {
                for (int t = from; t < to; t++) {
                    perThread.run();
                }
            });
            double seconds = (System.nanoTime() - start) / 1e9;
            best = Math.max(best, flopsPerThread * Parallel.THREADS / seconds / 1e9);
        }
        return best;
    }

    /** Shown by {@code devices}: which path runs. */
    String description();

    /** {@code C = beta * C} on an {@code m x n} block, with {@code beta == 0} clearing NaNs too. */
    static void scaleRows(float[] c, int cOffset, int ldc, int rowFrom, int rowTo, int colFrom, int colTo, float beta) {
        if (beta == 1f) {
            return;
        }
        for (int i = rowFrom; i < rowTo; i++) {
            int row = cOffset + i * ldc;
            if (beta == 0f) {
                java.util.Arrays.fill(c, row + colFrom, row + colTo, 0f);
            } else {
                for (int j = colFrom; j < colTo; j++) {
                    c[row + j] *= beta;
                }
            }
        }
    }
}
