package io.clnet.device.contract;

import io.clnet.device.Buffer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static io.clnet.device.contract.DeviceFixture.assertClose;
import static io.clnet.device.contract.DeviceFixture.random;
import static io.clnet.device.contract.DeviceFixture.randomIntegers;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** GEMM against the double-precision reference: random and awkward shapes, transposes, offsets, leading dimensions. */
interface GemmContract extends DeviceFixture {

    @Test
    default void gemmMatchesReferenceOnRandomShapes() {
        Random rnd = new Random(1);
        int[] sizes = {1, 2, 3, 7, 8, 9, 17, 31, 33, 64, 65};
        for (int t = 0; t < 24; t++) {
            int m = sizes[rnd.nextInt(sizes.length)], n = sizes[rnd.nextInt(sizes.length)], k = sizes[rnd.nextInt(sizes.length)];
            boolean ta = rnd.nextBoolean(), tb = rnd.nextBoolean();
            float alpha = rnd.nextFloat() * 2 - 1;
            float beta = new float[] {0f, 1f, 0.5f}[t % 3];
            checkGemm(rnd, m, n, k, ta, tb, alpha, beta, false);
        }
    }

    /** Crosses every blocking edge of the vector kernel (8-row, 32-column, 256-deep panels, tiles of 128 x 256, 16-row narrow blocks) and its special cases. */
    @Test
    default void gemmMatchesReferenceAcrossBlockEdges() {
        Random rnd = new Random(2);
        checkGemm(rnd, 257, 67, 513, false, false, 1f, 0f, false);
        checkGemm(rnd, 130, 290, 257, true, true, 0.5f, 1f, false);
        checkGemm(rnd, 9, 33, 300, false, true, -1f, 0.25f, false);
        checkGemm(rnd, 5, 9, 8200, true, false, 0.5f, 1f, false); // long k with alpha and beta
        // Long k cut into chunks, each chunk one tile across all of n in k-slices shallower than 256 (n > 512),
        // with a ragged last panel; then more rows than a parallel tile has, with A packed because of alpha
        checkGemm(rnd, 20, 803, 8200, false, false, 1f, 0f, false);
        checkGemm(rnd, 20, 803, 8200, true, true, 1f, 0.5f, false);
        checkGemm(rnd, 300, 40, 8200, true, false, -0.5f, 0.5f, false);
        // Few rows and many columns (a dense layer's batch x weights; the CPU backend computes C^T and transposes it)
        checkGemm(rnd, 128, 530, 300, false, true, 1f, 0f, false);
        checkGemm(rnd, 100, 450, 260, true, false, -0.5f, 0.5f, false);
        // C at most one vector wide (a dense layer's classes), over a ragged last block of 16 rows; and its transpose
        checkGemm(rnd, 35, 10, 300, false, true, 0.5f, 0.5f, false);
        checkGemm(rnd, 35, 16, 70, true, false, 1f, 0f, false);
        checkGemm(rnd, 10, 530, 129, true, false, 1f, 0f, false);
        checkGemm(rnd, 13, 47, 66, false, true, -1f, 1f, false);
    }

    /** Integer-valued inputs make every product and sum exact: any dropped or doubled term shows. */
    @Test
    default void gemmIsExactOnIntegerInputsAtAwkwardShapes() {
        Random rnd = new Random(3);
        // {7, 13, 9001} (m, n, k): a small C over a long k (the CPU backend cuts k into chunks, with a ragged last one);
        // {9, 547, 8200}: the same across many panels, in k-slices of 224
        int[][] shapes = {{1, 1, 1}, {31, 1, 31}, {1, 1025, 3}, {1025, 7, 1}, {33, 65, 17}, {2, 300, 1025}, {7, 13, 9001},
            {9, 547, 8200}};
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                checkGemm(rnd, s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0, 1f, 0f, true);
            }
        }
    }

    /** Wide and tall: the OpenCL backend asks CLBlast for C or for C^T by shape (see ClBlas.gemm). */
    @Test
    default void gemmStridedBatchedRunsEachMatrix() {
        Random rnd = new Random(4);
        for (int[] shape : new int[][] {{5, 7}, {7, 5}}) {
            int m = shape[0], n = shape[1], k = 9, batch = 3, strideA = m * k + 2, strideB = k * n + 1, strideC = m * n + 3;
            float[] a = random(rnd, strideA * batch), b = random(rnd, strideB * batch), c = random(rnd, strideC * batch);
            Buffer ab = upload(a), bb = upload(b), cb = upload(c);
            device().gemmStridedBatched(false, true, m, n, k, 1f, ab, 0, k, strideA, bb, 0, k, strideB, 0.5f, cb, 0, n, strideC,
                    batch);
            float[] want = c.clone();
            for (int i = 0; i < batch; i++) {
                double[] one = Reference.gemm(false, true, m, n, k, 1f, a, i * strideA, k, b, i * strideB, k, 0.5f, c, i * strideC, n);
                for (int j = 0; j < m * n; j++) {
                    int at = i * strideC + (j / n) * n + j % n;
                    want[at] = (float) one[at];
                }
            }
            assertClose("strided batched gemm " + m + "x" + n, DeviceFixture.toDouble(want), download(cb), 1e-4, 1e-4);
        }
    }

    @Test
    default void gemmRejectsABufferThatIsTooSmall() {
        Buffer a = allocate(10), b = allocate(12), c = allocate(12);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> device().gemm(false, false, 3, 4, 4, 1f, a, 0, 4, b, 0, 4, 0f, c, 0, 4));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("'A' holds 10 floats but needs 12"), e.getMessage());
    }

    private void checkGemm(Random rnd, int m, int n, int k, boolean ta, boolean tb, float alpha, float beta, boolean integers) {
        int aRows = ta ? k : m, aCols = ta ? m : k, bRows = tb ? n : k, bCols = tb ? k : n;
        int lda = aCols + rnd.nextInt(3), ldb = bCols + rnd.nextInt(3), ldc = n + rnd.nextInt(3);
        int aOff = rnd.nextInt(4), bOff = rnd.nextInt(4), cOff = rnd.nextInt(4);
        float[] a = integers ? randomIntegers(rnd, aOff + aRows * lda) : random(rnd, aOff + aRows * lda);
        float[] b = integers ? randomIntegers(rnd, bOff + bRows * ldb) : random(rnd, bOff + bRows * ldb);
        float[] c = integers ? randomIntegers(rnd, cOff + m * ldc) : random(rnd, cOff + m * ldc);
        if (beta == 0f) {
            // beta == 0 must overwrite C, even NaN (the padding between rows must survive untouched)
            for (int i = 0; i < m; i++) {
                Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, Float.NaN);
            }
        }
        Buffer ab = upload(a), bb = upload(b), cb = upload(c);
        device().gemm(ta, tb, m, n, k, alpha, ab, aOff, lda, bb, bOff, ldb, beta, cb, cOff, ldc);
        double[] want = Reference.gemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        String what = "gemm m=" + m + " n=" + n + " k=" + k + (ta ? " A^T" : "") + (tb ? " B^T" : "") + " lda=" + lda + " ldb=" + ldb
                + " ldc=" + ldc + " alpha=" + alpha + " beta=" + beta;
        assertClose(what, want, download(cb), integers ? 0 : 2e-6 * k + 1e-5, integers ? 0 : 1e-4);
    }
}
