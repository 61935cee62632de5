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

    @Override
    public String description() {
        return "scalar Java GEMM";
    }
}
