package io.clnet.device.cpu;

import io.clnet.device.Window2d;

import java.util.Arrays;

/** im2col/col2im and pooling on channels-last host arrays: the readable reference for {@code kernels/im2col.cl} and {@code pool.cl}. */
final class CpuWindowOps {
    private CpuWindowOps() {
    }

    static void im2col(float[] cols, float[] image, Window2d w) {
        int oh = w.outHeight(), ow = w.outWidth(), ch = w.channels(), patch = w.patchCols();
        Parallel.forRange(w.patchRows(), grain(patch), (from, to) -> {
            for (int r = from; r < to; r++) {
                int n = r / (oh * ow), oy = r / ow % oh, ox = r % ow;
                int dst = r * patch;
                for (int ky = 0; ky < w.kernelH(); ky++) {
                    int iy = oy * w.strideH() - w.padH() + ky;
                    for (int kx = 0; kx < w.kernelW(); kx++, dst += ch) {
                        int ix = ox * w.strideW() - w.padW() + kx;
                        if (iy < 0 || iy >= w.height() || ix < 0 || ix >= w.width()) {
                            Arrays.fill(cols, dst, dst + ch, 0f);
                        } else {
                            System.arraycopy(image, ((n * w.height() + iy) * w.width() + ix) * ch, cols, dst, ch);
                        }
                    }
                }
            }
        });
    }

    /** Gathers, per image row, every patch entry that read each pixel, in (ky, kx) order like the OpenCL kernel. */
    static void col2im(float[] image, float[] cols, Window2d w) {
        int oh = w.outHeight(), ow = w.outWidth(), ch = w.channels(), patch = w.patchCols();
        Parallel.forRange(w.batch() * w.height(), grain(w.width() * patch), (from, to) -> {
            for (int row = from; row < to; row++) {
                int n = row / w.height(), y = row % w.height();
                for (int x = 0; x < w.width(); x++) {
                    int dst = ((n * w.height() + y) * w.width() + x) * ch;
                    Arrays.fill(image, dst, dst + ch, 0f);
                    for (int ky = 0; ky < w.kernelH(); ky++) {
                        int ty = y + w.padH() - ky;
                        if (ty < 0 || ty % w.strideH() != 0 || ty / w.strideH() >= oh) {
                            continue;
                        }
                        for (int kx = 0; kx < w.kernelW(); kx++) {
                            int tx = x + w.padW() - kx;
                            if (tx < 0 || tx % w.strideW() != 0 || tx / w.strideW() >= ow) {
                                continue;
                            }
                            int src = ((n * oh + ty / w.strideH()) * ow + tx / w.strideW()) * patch + (ky * w.kernelW() + kx) * ch;
                            for (int c = 0; c < ch; c++) {
                                image[dst + c] += cols[src + c];
                            }
                        }
                    }
                }
            }
        });
    }

    static void maxPoolForward(float[] out, float[] in, Window2d w) {
        forEachWindow(w, (n, oy, ox, o) -> {
            for (int c = 0; c < w.channels(); c++) {
                out[o + c] = in[firstMaxIndex(in, w, n, oy, ox, c)];
            }
        });
    }

    /** Scatters each window's gradient to its first maximum; images are independent, so it runs per image. */
    static void maxPoolBackward(float[] dIn, float[] dOut, float[] in, Window2d w) {
        perImage(dIn, w, (n, oy, ox, o) -> {
            for (int c = 0; c < w.channels(); c++) {
                dIn[firstMaxIndex(in, w, n, oy, ox, c)] += dOut[o + c];
            }
        });
    }

    static void avgPoolForward(float[] out, float[] in, Window2d w) {
        float inv = 1f / (w.kernelH() * w.kernelW());
        forEachWindow(w, (n, oy, ox, o) -> {
            for (int c = 0; c < w.channels(); c++) {
                float sum = 0f;
                for (int ky = 0; ky < w.kernelH(); ky++) {
                    for (int kx = 0; kx < w.kernelW(); kx++) {
                        int i = pixel(w, n, oy, ox, ky, kx);
                        if (i >= 0) {
                            sum += in[i + c];
                        }
                    }
                }
                out[o + c] = sum * inv;
            }
        });
    }

    static void avgPoolBackward(float[] dIn, float[] dOut, Window2d w) {
        float inv = 1f / (w.kernelH() * w.kernelW());
        perImage(dIn, w, (n, oy, ox, o) -> {
            for (int ky = 0; ky < w.kernelH(); ky++) {
                for (int kx = 0; kx < w.kernelW(); kx++) {
                    int i = pixel(w, n, oy, ox, ky, kx);
                    if (i >= 0) {
                        for (int c = 0; c < w.channels(); c++) {
                            dIn[i + c] += dOut[o + c] * inv;
                        }
                    }
                }
            }
        });
    }

    private interface WindowBody {
        /** {@code o} is the offset of output pixel (n, oy, ox) channel 0. */
        void run(int n, int oy, int ox, int o);
    }

    private static void forEachWindow(Window2d w, WindowBody body) {
        int oh = w.outHeight(), ow = w.outWidth();
        Parallel.forRange(w.batch() * oh, grain(ow * w.channels() * w.kernelH() * w.kernelW()), (from, to) -> {
            for (int row = from; row < to; row++) {
                for (int ox = 0; ox < ow; ox++) {
                    body.run(row / oh, row % oh, ox, (row * ow + ox) * w.channels());
                }
            }
        });
    }

    /** Zeroes dIn, then visits every window of each image on one thread, so scatters into an image never race. */
    private static void perImage(float[] dIn, Window2d w, WindowBody body) {
        int oh = w.outHeight(), ow = w.outWidth(), imageLength = w.height() * w.width() * w.channels();
        Parallel.forRange(w.batch(), 1, (from, to) -> {
            Arrays.fill(dIn, from * imageLength, to * imageLength, 0f);
            for (int n = from; n < to; n++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        body.run(n, oy, ox, ((n * oh + oy) * ow + ox) * w.channels());
                    }
                }
            }
        });
    }

    /** Offset of channel 0 of the pixel under window tap (ky, kx), or -1 in the padding. */
    private static int pixel(Window2d w, int n, int oy, int ox, int ky, int kx) {
        int iy = oy * w.strideH() - w.padH() + ky, ix = ox * w.strideW() - w.padW() + kx;
        if (iy < 0 || iy >= w.height() || ix < 0 || ix >= w.width()) {
            return -1;
        }
        return ((n * w.height() + iy) * w.width() + ix) * w.channels();
    }

    private static int firstMaxIndex(float[] in, Window2d w, int n, int oy, int ox, int c) {
        int best = -1;
        for (int ky = 0; ky < w.kernelH(); ky++) {
            for (int kx = 0; kx < w.kernelW(); kx++) {
                int i = pixel(w, n, oy, ox, ky, kx);
                if (i >= 0 && (best < 0 || in[i + c] > in[best])) {
                    best = i + c;
                }
            }
        }
        return best;
    }

    private static int grain(int workPerItem) {
        return Math.max(1, (1 << 14) / Math.max(1, workPerItem));
    }
}
