package io.clnet.device.cpu;

import io.clnet.device.DropoutMask;
import io.clnet.device.PointwiseLoss;

/** Softmax, pointwise losses, dropout and gradient clipping on host arrays: the reference for their kernels. */
final class CpuLossOps {
    private static final int GRAIN = 1 << 14;

    private CpuLossOps() {
    }

    static void softmaxForward(float[] out, float[] in, int rows, int cols) {
        Parallel.forRange(rows, GRAIN / cols + 1, (from, to) -> {
            for (int r = from; r < to; r++) {
                int base = r * cols;
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < cols; j++) {
                    max = Math.max(max, in[base + j]);
                }
                float sum = 0f;
                for (int j = 0; j < cols; j++) {
                    float e = (float) Math.exp(in[base + j] - max);
                    out[base + j] = e;
                    sum += e;
                }
                float inv = 1f / sum;
                for (int j = 0; j < cols; j++) {
                    out[base + j] *= inv;
                }
            }
        });
    }

    static void softmaxBackward(float[] dIn, float[] dOut, float[] out, int rows, int cols) {
        Parallel.forRange(rows, GRAIN / cols + 1, (from, to) -> {
            for (int r = from; r < to; r++) {
                int base = r * cols;
                float dot = 0f;
                for (int j = 0; j < cols; j++) {
                    dot += dOut[base + j] * out[base + j];
                }
                for (int j = 0; j < cols; j++) {
                    dIn[base + j] = out[base + j] * (dOut[base + j] - dot);
                }
            }
        });
    }

    static void dropoutForward(float[] out, float[] mask, float[] in, int length, float rate, long seed) {
        Parallel.forRange(length, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                mask[i] = DropoutMask.value(seed, i, rate);
                out[i] = in[i] * mask[i];
            }
        });
    }

    /** Writes each element's loss into {@code scratch} and its gradient (over {@code length}) into {@code grad}. */
    static void pointwiseLoss(float[] scratch, float[] grad, float[] pred, float[] target, PointwiseLoss kind, float delta, int length) {
        float inv = 1f / length;
        Parallel.forRange(length, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                scratch[i] = kind.value(pred[i], target[i], delta);
                grad[i] = kind.gradient(pred[i], target[i], delta) * inv;
            }
        });
    }

    static void clamp(float[] x, float lo, float hi, int length) {
        Parallel.forRange(length, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                x[i] = Math.min(Math.max(x[i], lo), hi);
            }
        });
    }

    static void scaleToMaxNorm(float[] x, int length, float sumOfSquares, float maxNorm) {
        float norm = (float) Math.sqrt(sumOfSquares);
        if (norm <= maxNorm) {
            return;
        }
        float s = maxNorm / norm;
        Parallel.forRange(length, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                x[i] *= s;
            }
        });
    }
}
