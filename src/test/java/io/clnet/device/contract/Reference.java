package io.clnet.device.contract;

import io.clnet.device.Window2d;

/**
 * Plain loops in double precision, written from the op definitions in {@code Device}'s javadoc and
 * independent of every backend: what each backend is checked against.
 */
final class Reference {
    private Reference() {
    }

    static double[] gemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                         float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        double[] out = new double[c.length];
        for (int i = 0; i < c.length; i++) {
            out[i] = c[i];
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double dot = 0;
                for (int p = 0; p < k; p++) {
                    double av = ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    double bv = tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    dot += av * bv;
                }
                double old = beta == 0 ? 0 : beta * (double) c[cOff + i * ldc + j];
                out[cOff + i * ldc + j] = alpha * dot + old;
            }
        }
        return out;
    }

    /** Input index of tap (ky, kx) of output pixel (n, oy, ox), channel c; -1 in the padding. */
    static int tap(Window2d w, int n, int oy, int ox, int ky, int kx, int c) {
        int iy = oy * w.strideH() - w.padH() + ky, ix = ox * w.strideW() - w.padW() + kx;
        if (iy < 0 || iy >= w.height() || ix < 0 || ix >= w.width()) {
            return -1;
        }
        return ((n * w.height() + iy) * w.width() + ix) * w.channels() + c;
    }

    static double[] im2col(float[] image, Window2d w) {
        double[] cols = new double[w.patchRows() * w.patchCols()];
        int row = 0;
        for (int n = 0; n < w.batch(); n++) {
            for (int oy = 0; oy < w.outHeight(); oy++) {
                for (int ox = 0; ox < w.outWidth(); ox++, row++) {
                    int col = 0;
                    for (int ky = 0; ky < w.kernelH(); ky++) {
                        for (int kx = 0; kx < w.kernelW(); kx++) {
                            for (int c = 0; c < w.channels(); c++, col++) {
                                int i = tap(w, n, oy, ox, ky, kx, c);
                                cols[row * w.patchCols() + col] = i < 0 ? 0 : image[i];
                            }
                        }
                    }
                }
            }
        }
        return cols;
    }

    static double[] col2im(float[] cols, Window2d w) {
        double[] image = new double[w.inputLength()];
        int row = 0;
        for (int n = 0; n < w.batch(); n++) {
            for (int oy = 0; oy < w.outHeight(); oy++) {
                for (int ox = 0; ox < w.outWidth(); ox++, row++) {
                    int col = 0;
                    for (int ky = 0; ky < w.kernelH(); ky++) {
                        for (int kx = 0; kx < w.kernelW(); kx++) {
                            for (int c = 0; c < w.channels(); c++, col++) {
                                int i = tap(w, n, oy, ox, ky, kx, c);
                                if (i >= 0) {
                                    image[i] += cols[row * w.patchCols() + col];
                                }
                            }
                        }
                    }
                }
            }
        }
        return image;
    }

    /** Pooling forward; max when {@code max}, else the sum over the window divided by kernelH*kernelW. */
    static double[] pool(float[] in, Window2d w, boolean max) {
        double[] out = new double[w.outputLength()];
        int o = 0;
        for (int n = 0; n < w.batch(); n++) {
            for (int oy = 0; oy < w.outHeight(); oy++) {
                for (int ox = 0; ox < w.outWidth(); ox++) {
                    for (int c = 0; c < w.channels(); c++, o++) {
                        double acc = max ? Double.NEGATIVE_INFINITY : 0;
                        for (int ky = 0; ky < w.kernelH(); ky++) {
                            for (int kx = 0; kx < w.kernelW(); kx++) {
                                int i = tap(w, n, oy, ox, ky, kx, c);
                                if (i >= 0) {
                                    acc = max ? Math.max(acc, in[i]) : acc + in[i];
                                }
                            }
                        }
                        out[o] = max ? acc : acc / (w.kernelH() * w.kernelW());
                    }
                }
            }
        }
        return out;
    }

    static double activation(String name, double x, double alpha) {
        switch (name) {
            case "RELU": return Math.max(0, x);
            case "LEAKY_RELU": return x > 0 ? x : alpha * x;
            case "SIGMOID": return 1 / (1 + Math.exp(-x));
            case "TANH": return Math.tanh(x);
            case "ELU": return x > 0 ? x : alpha * (Math.exp(x) - 1);
            case "GELU": return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
            case "SWISH": return x / (1 + Math.exp(-alpha * x));
            default: throw new AssertionError(name);
        }
    }

    /** Mean of -log(max(softmax(logits)[label], 1e-12)) over rows; fills probs. */
    static double softmaxCrossEntropy(double[] probs, float[] logits, float[] labels, int rows, int classes) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < classes; j++) {
                max = Math.max(max, logits[r * classes + j]);
            }
            for (int j = 0; j < classes; j++) {
                sum += Math.exp(logits[r * classes + j] - max);
            }
            for (int j = 0; j < classes; j++) {
                probs[r * classes + j] = Math.exp(logits[r * classes + j] - max) / sum;
            }
            total += -Math.log(Math.max(probs[r * classes + (int) labels[r]], 1e-12));
        }
        return total / rows;
    }
}
