package io.clnet.device.cpu;

/**
 * The plain-Java GEMM: used when the JVM was started without {@code jdk.incubator.vector}, and run by the
 * contract tests so it stays correct. About 1-8 GFLOP/s: the JIT does not vectorise these loops.
 */
final class ScalarGemm implements CpuGemm {

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOffset, int lda,
                     float[] b, int bOffset, int ldb, float beta, float[] c, int cOffset, int ldc) {
        Parallel.forRange(m, Math.max(1, (1 << 16) / Math.max(1, n * k)), (from, to) -> {
            CpuGemm.scaleRows(c, cOffset, ldc, from, to, 0, n, beta);
            for (int i = from; i < to; i++) {
                int cRow = cOffset + i * ldc;
                if (transB) {
                    // C[i][j] += alpha * dot(A(i,:), B[j][:]): both read along k.
                    for (int j = 0; j < n; j++) {
                        int bRow = bOffset + j * ldb;
                        float dot = 0f;
                        for (int p = 0; p < k; p++) {
                            dot += elementA(a, aOffset, lda, transA, i, p) * b[bRow + p];
                        }
                        c[cRow + j] += alpha * dot;
                    }
                } else {
                    // C[i][:] += alpha * A(i,p) * B[p][:]: the inner loop runs along a row of B and C.
                    for (int p = 0; p < k; p++) {
                        float aip = alpha * elementA(a, aOffset, lda, transA, i, p);
                        int bRow = bOffset + p * ldb;
                        for (int j = 0; j < n; j++) {
                            c[cRow + j] += aip * b[bRow + j];
                        }
                    }
                }
            }
        });
    }

    private static float elementA(float[] a, int offset, int lda, boolean trans, int i, int p) {
        return trans ? a[offset + p * lda + i] : a[offset + i * lda + p];
    }

    private static volatile double sink;

    /** Without the Vector API the peak this path can reach is scalar FMAs: eight independent chains per core. */
    @Override
    public double measurePeakGflops() {
        int iterations = 20_000_000;
        fmaLoop(iterations / 10);
        return CpuGemm.bestRate(3, 2.0 * 8 * iterations, () -> fmaLoop(iterations));
    }

    private static void fmaLoop(int iterations) {
        float x = 0.999999f, y = 1e-7f, a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
        for (int i = 0; i < iterations; i++) {
            a0 = Math.fma(a0, x, y);
            a1 = Math.fma(a1, x, y);
            a2 = Math.fma(a2, x, y);
            a3 = Math.fma(a3, x, y);
            a4 = Math.fma(a4, x, y);
            a5 = Math.fma(a5, x, y);
            a6 = Math.fma(a6, x, y);
            a7 = Math.fma(a7, x, y);
        }
        sink = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
    }

    @Override
    public String description() {
        return "scalar Java GEMM";
    }
}
