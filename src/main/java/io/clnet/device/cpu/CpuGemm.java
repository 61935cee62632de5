package io.clnet.device.cpu;

/** Row-major single-precision GEMM on host arrays: {@code C = alpha * op(A) * op(B) + beta * C}. */
interface CpuGemm {

    void gemm(boolean transA, boolean transB, int m, int n, int k,
              float alpha, float[] a, int aOffset, int lda,
              float[] b, int bOffset, int ldb,
              float beta, float[] c, int cOffset, int ldc);

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
