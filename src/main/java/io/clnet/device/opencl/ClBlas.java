package io.clnet.device.opencl;

import io.clnet.device.DeviceUnavailableException;
import org.jocl.cl_command_queue;
import org.jocl.cl_mem;
import org.jocl.blast.CLBlast;

import static org.jocl.blast.CLBlastLayout.CLBlastLayoutColMajor;
import static org.jocl.blast.CLBlastLayout.CLBlastLayoutRowMajor;
import static org.jocl.blast.CLBlastTranspose.CLBlastTransposeNo;
import static org.jocl.blast.CLBlastTranspose.CLBlastTransposeYes;

/**
 * GEMM through CLBlast. CLBlast 1.5.2 is not thread-safe, so every call in the process goes through one lock.
 * CLBlast compiles its kernels on first use (seconds on PoCL); {@link ClDevice} warms it up (for training, when it
 * opens), so that this never lands inside a timed step.
 */
final class ClBlas {
    private static final Object LOCK = new Object();

    private ClBlas() {
    }

    /** Loads the CLBlast native library; throws with the reason when it does not load. */
    static void load() {
        try {
            synchronized (LOCK) {
                CLBlast.setExceptionsEnabled(true);
            }
        } catch (LinkageError e) {
            throw new DeviceUnavailableException("the CLBlast native library did not load (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Row-major {@code C = alpha op(A) op(B) + beta C}, as {@code batch} GEMMs {@code strideA/B/C} apart when batch > 1.
     *
     * <p>Which way round CLBlast is asked is chosen by shape. Row-major C (m x n) is, in the same memory, the
     * column-major product {@code C^T = op(B)^T op(A)^T}. Both calls copy A and B alike, but the kernel of
     * CLBlast's indirect GEMM (its default variant) writes C column-major, so a row-major call also runs C
     * through a transposed temporary and the column-major call does not. On PoCL (untuned parameters) the
     * column-major call ran the tall conv shapes far faster (M=25088,K=64,N=800: 96 against 146 ms;
     * M=25088,K=800,N=64 with B transposed: 137 against 181 ms) and the wide ones slower (M=64,K=800,N=25088
     * with A transposed: 137 against 101 ms; M=128,K=3136,N=1024: 86 against 58 ms), so it is used when
     * m > n, where CLBlast then tiles the short side as its M. The choice depends only on the shape, so
     * results repeat run to run.
     */
    static void gemm(cl_command_queue queue, boolean transA, boolean transB, int m, int n, int k, float alpha,
                     cl_mem a, int aOffset, int lda, int strideA, cl_mem b, int bOffset, int ldb, int strideB,
                     float beta, cl_mem c, int cOffset, int ldc, int strideC, int batch) {
        if (m > n) {
            call(queue, CLBlastLayoutColMajor, transB, transA, n, m, k, alpha, b, bOffset, ldb, strideB, a, aOffset, lda,
                    strideA, beta, c, cOffset, ldc, strideC, batch);
        } else {
            call(queue, CLBlastLayoutRowMajor, transA, transB, m, n, k, alpha, a, aOffset, lda, strideA, b, bOffset, ldb,
                    strideB, beta, c, cOffset, ldc, strideC, batch);
        }
    }

    private static void call(cl_command_queue queue, int layout, boolean transA, boolean transB, int m, int n, int k,
                             float alpha, cl_mem a, int aOffset, int lda, int strideA, cl_mem b, int bOffset, int ldb,
                             int strideB, float beta, cl_mem c, int cOffset, int ldc, int strideC, int batch) {
        int ta = transA ? CLBlastTransposeYes : CLBlastTransposeNo;
        int tb = transB ? CLBlastTransposeYes : CLBlastTransposeNo;
        synchronized (LOCK) {
            if (batch == 1) {
                CLBlast.CLBlastSgemm(layout, ta, tb, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb,
                        beta, c, cOffset, ldc, queue, null);
            } else {
                CLBlast.CLBlastSgemmStridedBatched(layout, ta, tb, m, n, k, alpha, a, aOffset, lda, strideA,
                        b, bOffset, ldb, strideB, beta, c, cOffset, ldc, strideC, batch, queue, null);
            }
        }
    }
}
