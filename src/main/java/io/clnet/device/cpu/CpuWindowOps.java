package io.clnet.device.cpu;

import io.clnet.device.Window2d;

import java.util.Arrays;

/** im2col/col2im and pooling on channels-last host arrays: the readable reference for {@code kernels/im2col.cl} and {@code pool.cl}. */
final class CpuWindowOps {
    private CpuWindowOps() {
    }

    static void im2col(float[] cols, float[] image, Window2d w) {
        int oh = w.outHeight(), ow = w.outWidth(), ch = w.channels(), patch = w.patchCols(), run = w.kernelW() * ch;
        Parallel.forRange(w.patchRows(), grain(patch), (from, to) -> {
            for (int r = from; r < to; r++) {
                int n = r / (oh * ow), oy = r / ow % oh, ox = r % ow;
                int ix0 = ox * w.strideW() - w.padW(), lo = Math.max(0, -ix0), hi = Math.min(w.kernelW(), w.width() - ix0);
                int dst = r * patch;
                // One kernel row of a patch is kernelW neighbouring pixels: one contiguous run of the image.
                for (int ky = 0; ky < w.kernelH(); ky++, dst += run) {
                    int iy = oy * w.strideH() - w.padH() + ky;
                    if (iy < 0 || iy >= w.height() || hi <= lo) {
                        Arrays.fill(cols, dst, dst + run, 0f);
                        continue;
                    }
                    Arrays.fill(cols, dst, dst + lo * ch, 0f);
                    System.arraycopy(image, ((n * w.height() + iy) * w.width() + ix0 + lo) * ch, cols, dst + lo * ch, (hi - lo) * ch);
                    Arrays.fill(cols, dst + hi * ch, dst + run, 0f);
                }
            }
        });
    }

    /**
     * Adds every patch entry back onto the pixel it was read from. Each image is one thread's, and its
     * patches are visited in order, so the sums are the same on every run and any number of cores.
     */
    /** @param loops adds each kernel row's run with vectors; null adds it in a scalar loop */
    static void col2im(float[] image, float[] cols, Window2d w, CpuLoops loops) {
        int oh = w.outHeight(), ow = w.outWidth(), ch = w.channels(), patch = w.patchCols(), run = w.kernelW() * ch;
        int imageLength = w.height() * w.width() * ch;
        Parallel.forRange(w.batch(), 1, (from, to) -> {
            Arrays.fill(image, from * imageLength, to * imageLength, 0f);
            for (int n = from; n < to; n++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        int ix0 = ox * w.strideW() - w.padW(), lo = Math.max(0, -ix0), hi = Math.min(w.kernelW(), w.width() - ix0);
                        int src = ((n * oh + oy) * ow + ox) * patch;
                        for (int ky = 0; ky < w.kernelH(); ky++, src += run) {
                            int iy = oy * w.strideH() - w.padH() + ky;
                            if (iy < 0 || iy >= w.height() || hi <= lo) {
                                continue;
                            }
                            int dst = ((n * w.height() + iy) * w.width() + ix0 + lo) * ch, from2 = src + lo * ch, length = (hi - lo) * ch;
                            if (loops != null) {
                                loops.addInto(image, dst, cols, from2, length);
                            } else {
                                for (int t = 0; t < length; t++) {
                                    image[dst + t] += cols[from2 + t];
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    /**
     * Channel-innermost: each window tap is one contiguous run of channels. {@code Math.max} rather than a
     * comparison: it compiles without branches, which on real activations are taken at random.
     */
    static void maxPoolForward(float[] out, float[] in, Window2d w) {
        int ch = w.channels();
        if (isTiled2x2(w)) {
            forEachTiledRow(w, (top, bottom, o, from, to) -> {
                for (int ox = from; ox < to; ox++) {
                    maxPool2x2(out, in, top + 2 * ox * ch, bottom + 2 * ox * ch, o + ox * ch, ch);
                }
            });
            return;
        }
        forEachWindow(w, (n, oy, ox, o) -> windowMax(out, o, in, w, n, oy, ox));
    }

    /** {@code max[at + c]} = the maximum of window (n, oy, ox) in channel c, over the taps inside the image. */
    private static void windowMax(float[] max, int at, float[] in, Window2d w, int n, int oy, int ox) {
        boolean first = true;
        for (int ky = 0; ky < w.kernelH(); ky++) {
            for (int kx = 0; kx < w.kernelW(); kx++) {
                int i = pixel(w, n, oy, ox, ky, kx);
                if (i < 0) {
                    continue;
                }
                if (first) {
                    System.arraycopy(in, i, max, at, w.channels());
                    first = false;
                } else {
                    for (int c = 0; c < w.channels(); c++) {
                        max[at + c] = Math.max(max[at + c], in[i + c]);
                    }
                }
            }
        }
    }

    /**
     * Routes each window's gradient to the first tap holding its maximum (the tap forward took). Images are
     * independent, so each is one thread's. Per window: the maximum per channel, then one pass over the
     * taps in order where a bit mask, not a branch, picks the first tap equal to it, because on real
     * activations such branches go either way at random. Windows that tile the image exactly (2x2 stride
     * 2 on even sizes) write every dIn element once; others add into a zeroed dIn.
     */
    static void maxPoolBackward(float[] dIn, float[] dOut, float[] in, Window2d w) {
        int oh = w.outHeight(), ow = w.outWidth(), ch = w.channels(), imageLength = w.height() * w.width() * ch;
        if (isTiled2x2(w)) {
            maxPoolBackward2x2(dIn, dOut, in, w);
            return;
        }
        boolean tiles = w.strideH() == w.kernelH() && w.strideW() == w.kernelW() && w.padH() == 0 && w.padW() == 0
                && oh * w.strideH() == w.height() && ow * w.strideW() == w.width();
        Parallel.forRange(w.batch(), 1, (from, to) -> {
            if (!tiles) {
                Arrays.fill(dIn, from * imageLength, to * imageLength, 0f);
            }
            float[] best = new float[ch];
            int[] left = new int[ch];
            for (int n = from; n < to; n++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        int o = ((n * oh + oy) * ow + ox) * ch;
                        windowMax(best, 0, in, w, n, oy, ox);
                        Arrays.fill(left, -1);
                        for (int ky = 0; ky < w.kernelH(); ky++) {
                            for (int kx = 0; kx < w.kernelW(); kx++) {
                                int i = pixel(w, n, oy, ox, ky, kx);
                                if (i < 0) {
                                    continue;
                                }
                                for (int c = 0; c < ch; c++) {
                                    int e = Float.floatToRawIntBits(in[i + c]) ^ Float.floatToRawIntBits(best[c]);
                                    int take = ~((e | -e) >> 31) & left[c]; // all ones at the first tap equal to the maximum
                                    left[c] &= ~take;
                                    float g = Float.intBitsToFloat(Float.floatToRawIntBits(dOut[o + c]) & take);
                                    if (tiles) {
                                        dIn[i + c] = g;
                                    } else {
                                        dIn[i + c] += g;
                                    }
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    /** 2x2 windows with stride 2 that cover the image exactly: the pooling of nearly every CNN. */
    static boolean isTiled2x2(Window2d w) {
        return w.kernelH() == 2 && w.kernelW() == 2 && w.tilesImage();
    }

    /**
     * {@link #maxPoolBackward} for {@link #isTiled2x2} windows: the four taps are at fixed offsets, each
     * dIn element is written once, and the first tap equal to the maximum is picked with bit masks.
     */
    private static void maxPoolBackward2x2(float[] dIn, float[] dOut, float[] in, Window2d w) {
        int ch = w.channels();
        forEachTiledRow(w, (top, bottom, o, from, to) -> {
            for (int ox = from; ox < to; ox++) {
                int at = 2 * ox * ch;
                maxPool2x2Backward(dIn, top + at, bottom + at, dOut, in, top + at, bottom + at, o + ox * ch, ch);
            }
        });
    }

    /** One 2x2 window: {@code out[o + c]} = the maximum of the pixels at {@code top}, {@code top + ch}, {@code bottom}, {@code bottom + ch}. */
    static void maxPool2x2(float[] out, float[] in, int top, int bottom, int o, int ch) {
        for (int c = 0; c < ch; c++) {
            out[o + c] = Math.max(Math.max(in[top + c], in[top + ch + c]), Math.max(in[bottom + c], in[bottom + ch + c]));
        }
    }

    /**
     * One 2x2 window's gradient: {@code dOut[o + c]} to the first of its four taps (row by row) equal to their maximum,
     * zero to the others. The taps are at {@code top}, {@code top + ch}, {@code bottom}, {@code bottom + ch} in
     * {@code in}, and their gradients at the same places from {@code dTop} and {@code dBottom} in {@code dIn}.
     */
    static void maxPool2x2Backward(float[] dIn, int dTop, int dBottom, float[] dOut, float[] in, int top, int bottom, int o, int ch) {
        for (int c = 0; c < ch; c++) {
            int i00 = dTop + c, i01 = i00 + ch, i10 = dBottom + c, i11 = i10 + ch;
            float a = in[top + c], b = in[top + ch + c], d = in[bottom + c], e = in[bottom + ch + c];
            int m = Float.floatToRawIntBits(Math.max(Math.max(a, b), Math.max(d, e)));
            int g = Float.floatToRawIntBits(dOut[o + c]);
            int takeA = equalMask(a, m), takeB = equalMask(b, m) & ~takeA;
            int takeD = equalMask(d, m) & ~(takeA | takeB), takeE = ~(takeA | takeB | takeD);
            dIn[i00] = Float.intBitsToFloat(g & takeA);
            dIn[i01] = Float.intBitsToFloat(g & takeB);
            dIn[i10] = Float.intBitsToFloat(g & takeD);
            dIn[i11] = Float.intBitsToFloat(g & takeE);
        }
    }

    /** What {@link #forEachTiledRow} runs: output pixels {@code [from, to)} of one row. */
    interface TiledRow {
        /** {@code top} and {@code bottom}: the input rows' first floats; {@code o}: the output row's. */
        void run(int top, int bottom, int o, int from, int to);
    }

    /** Every output row of a {@link #isTiled2x2} window, rows split over the cores. */
    static void forEachTiledRow(Window2d w, TiledRow body) {
        int oh = w.outHeight(), ow = w.outWidth(), rowStride = w.width() * w.channels();
        Parallel.forRange(w.batch() * oh, Math.max(1, 4096 / (ow * w.channels())), (from, to) -> {
            for (int row = from; row < to; row++) {
                int top = (row / oh * w.height() + 2 * (row % oh)) * rowStride;
                body.run(top, top + rowStride, row * ow * w.channels(), 0, ow);
            }
        });
    }

    /** All ones when {@code v}'s bits are {@code bits}, else zero; no branch. */
    private static int equalMask(float v, int bits) {
        int e = Float.floatToRawIntBits(v) ^ bits;
        return ~((e | -e) >> 31);
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

    private static int grain(int workPerItem) {
        return Math.max(1, (1 << 14) / Math.max(1, workPerItem));
    }
}
