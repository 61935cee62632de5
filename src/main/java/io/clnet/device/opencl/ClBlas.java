package io.clnet.device.opencl;

import io.clnet.device.DeviceUnavailableException;
import org.jocl.cl_command_queue;
import org.jocl.cl_mem;
import org.jocl.blast.CLBlast;

import static org.jocl.blast.CLBlastLayout.CLBlastLayoutRowMajor;
import static org.jocl.blast.CLBlastTranspose.CLBlastTransposeNo;
import static org.jocl.blast.CLBlastTranspose.CLBlastTransposeYes;

/**
 * GEMM through CLBlast. CLBlast 1.5.2 is not thread-safe, so every call in the process goes through one lock.
 * CLBlast compiles its kernels on first use (seconds on PoCL); {@link #warmUp} does that before anything is timed.
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

    static void gemm(cl_command_queue queue, boolean transA, boolean transB, int m, int n, int k, float alpha,
                     cl_mem a, int aOffset, int lda, int strideA, cl_mem b, int bOffset, int ldb, int strideB,
                     float beta, cl_mem c, int cOffset, int ldc, int strideC, int batch) {
        int ta = transA ? CLBlastTransposeYes : CLBlastTransposeNo;
        int tb = transB ? CLBlastTransposeYes : CLBlastTransposeNo;
        synchronized (LOCK) {
            if (batch == 1) {
                CLBlast.CLBlastSgemm(CLBlastLayoutRowMajor, ta, tb, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb,
                        beta, c, cOffset, ldc, queue, null);
            } else {
                CLBlast.CLBlastSgemmStridedBatched(CLBlastLayoutRowMajor, ta, tb, m, n, k, alpha, a, aOffset, lda, strideA,
                        b, bOffset, ldb, strideB, beta, c, cOffset, ldc, strideC, batch, queue, null);
            }
        }
    }
}
