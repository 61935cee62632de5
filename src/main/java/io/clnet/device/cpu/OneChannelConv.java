package io.clnet.device.cpu;

import io.clnet.device.OpKind;
import io.clnet.device.Window2d;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * Stride-1 convolutions of a one-channel image into a few out-channels: the first layer of a CNN on grey
 * images (simple's 1 to 8 channels on MNIST). A register block of out-channels would be mostly empty and each
 * tap is one float, so here a vector's lanes are {@code P = L / outChannels} neighbouring output pixels times
 * every out-channel, and the image is <b>expanded</b>: zero-padded, each pixel repeated across
 * {@code outChannels} lanes ({@code expanded[iy][ix][o] = padded[iy][ix]}). Then the input of a tap for the P
 * pixels of a vector is one plain load, whatever the tap:
 * <ul>
 *   <li>forward: {@code out vector = bias + sum over taps of expanded[vector + shift(tap)] * weights of tap},
 *       each tap's weights spread over the lanes ({@code [w_0..w_oc-1] x P});</li>
 *   <li>weight gradient: per tap, {@code sum over vectors of dOut vector * expanded[vector + shift(tap)]}, the
 *       P pixel groups of the lanes added at the end; the bias gradient is the plain sum of the dOut vectors.</li>
 * </ul>
 * Output rows are computed {@code rowPixels} wide (the padded width rounded up to P) so that the shift of a tap
 * is the same for every vector of an image: {@code (ky * rowPixels + kx) * outChannels} floats. The columns
 * past the output width are dropped in the forward and read as zeros of dOut in the weight gradient. Backward-data
 * is not offered: a first layer needs none, and im2col's GEMM takes any other.
 * Under a 2x2 max pool that tiles the output, both passes run with the pool: the forward pools each image's
 * rows as they are made, and the weight gradient routes the pool's gradient into its dOut rows, reading the
 * output rows either as kept by the caller or made again from the expanded image (the same code, so the same
 * bits, and each window's maximum the same tap).
 * Images are split over the cores; the weight gradient sums fixed chunks of images in order, so results do not
 * depend on the core count. Scratch grows per thread and is then reused.
 */
final class OneChannelConv implements CpuConv {
    private static final VectorSpecies<Float> S = VectorBlock.S;
    private static final int L = VectorBlock.L;
    /** Images per partial sum of the weight gradient. */
    private static final int WEIGHT_CHUNK_IMAGES = 4;
    /** Per thread: the expanded image, dOut's rows and the output's rows (both widened to rowPixels), at these slots. */
    private static final PerThread<float[][]> SCRATCH = new PerThread<>(() -> new float[][] {new float[0], new float[0], new float[0]});
    private static final int EXPANDED = 0;
    private static final int GRADIENT = 1;
    private static final int OUTPUT = 2;
    private static final CpuLoops LOOPS = new VectorLoops();

    private float[] laneWeights = new float[0];
    private final float[] laneBias = new float[L];
    private float[] partials = new float[0];

    @Override
    public boolean suits(OpKind pass, Window2d w, int outChannels) {
        boolean shape = w.channels() == 1 && L % outChannels == 0 && w.strideH() == 1 && w.strideW() == 1;
        return shape && (pass == OpKind.CONV_FORWARD || pass == OpKind.CONV_BACKWARD_WEIGHTS);
    }

    @Override
    public boolean sumsBiasGradient() {
        return true;
    }

    /** Where an image's vectors and taps fall: see the class comment. */
    private record Layout(int pixelsPerVector, int rowPixels, int expandedRows, int vectors, int[] shifts) {

        static Layout of(Window2d w, int outChannels) {
            int p = L / outChannels, kh = w.kernelH(), kw = w.kernelW();
            int rowPixels = VectorBlock.roundUp(w.width() + 2 * w.padW(), p);
            int[] shifts = new int[kh * kw];
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++) {
                    shifts[ky * kw + kx] = (ky * rowPixels + kx) * outChannels;
                }
            }
            // Padded rows, and one more: the dropped columns of the last output row read past the padded image.
            int expandedRows = w.height() + 2 * w.padH() + 1;
            return new Layout(p, rowPixels, expandedRows, w.outHeight() * rowPixels / p, shifts);
        }

        /** Floats of the expanded image, and L of slack for the last pixel's store. */
        int expandedLength(int outChannels) {
            return expandedRows * rowPixels * outChannels + L;
        }
    }

    @Override
    public void forward(float[] out, float[] image, float[] weights, float[] bias, Window2d w, int outChannels) {
        forwardThroughMaxPool(null, out, image, weights, bias, w, null, outChannels);
    }

    @Override
    public boolean suitsThroughMaxPool(Window2d pool, Window2d w, int outChannels) {
        return suits(OpKind.CONV_FORWARD, w, outChannels) && CpuWindowOps.isTiled2x2(pool);
    }

    /** Each image's output rows are made in this thread's scratch, then copied out and pooled from there (either may be null). */
    @Override
    public void forwardThroughMaxPool(float[] pooled, float[] convOut, float[] image, float[] weights, float[] bias, Window2d w,
                                      Window2d pool, int outChannels) {
        Layout lay = Layout.of(w, outChannels);
        spreadOverLanes(weights, bias, lay, outChannels);
        float[] lw = laneWeights, lb = laneBias;
        int oh = w.outHeight(), rowLength = w.outWidth() * outChannels, rowFloats = lay.rowPixels() * outChannels;
        Parallel.forRange(w.batch(), 1, (from, to) -> {
            float[][] scratch = SCRATCH.get();
            for (int n = from; n < to; n++) {
                float[] rows = convolve(scratch, expand(scratch, image, n, w, outChannels, lay), lw, lb, lay);
                if (convOut != null) {
                    for (int oy = 0; oy < oh; oy++) {
                        System.arraycopy(rows, oy * rowFloats, convOut, (n * oh + oy) * rowLength, rowLength);
                    }
                }
                if (pooled != null) {
                    int poolHeight = pool.outHeight(), poolWidth = pool.outWidth();
                    for (int py = 0; py < poolHeight; py++) {
                        LOOPS.maxPool2x2ForwardRow(pooled, (n * poolHeight + py) * poolWidth * outChannels, rows, 2 * py * rowFloats,
                                (2 * py + 1) * rowFloats, poolWidth, outChannels);
                    }
                }
            }
        });
    }

    /** {@code laneWeights[tap]}: the tap's weight of each out-channel, repeated P times; {@code laneBias} likewise. */
    private void spreadOverLanes(float[] weights, float[] bias, Layout lay, int outChannels) {
        int taps = lay.shifts().length;
        laneWeights = VectorBlock.atLeast(laneWeights, taps * L);
        for (int t = 0; t < taps; t++) {
            for (int lane = 0; lane < L; lane++) {
                laneWeights[t * L + lane] = weights[lane % outChannels * taps + t];
            }
        }
        for (int lane = 0; lane < L; lane++) {
            laneBias[lane] = bias == null ? 0f : bias[lane % outChannels];
        }
    }

    /** The expanded image {@code e} convolved into this thread's output rows (see {@link #convolveRows}). */
    private static float[] convolve(float[][] scratch, float[] e, float[] lw, float[] lb, Layout lay) {
        float[] rows = scratch[OUTPUT] = VectorBlock.atLeast(scratch[OUTPUT], lay.vectors() * L);
        convolveRows(rows, e, lw, lb, lay);
        return rows;
    }

    /** {@code rows[vector] = lb + sum over taps of e[vector + shift] * lw[tap]}, eight vectors at a time. */
    private static void convolveRows(float[] rows, float[] e, float[] lw, float[] lb, Layout lay) {
        int[] shifts = lay.shifts();
        FloatVector b = FloatVector.fromArray(S, lb, 0);
        int vectors = lay.vectors(), i = 0;
        for (; i + 8 <= vectors; i += 8) {
            int at = i * L;
            FloatVector a0 = b, a1 = b, a2 = b, a3 = b, a4 = b, a5 = b, a6 = b, a7 = b;
            for (int t = 0; t < shifts.length; t++) {
                FloatVector wv = FloatVector.fromArray(S, lw, t * L);
                int src = at + shifts[t];
                a0 = FloatVector.fromArray(S, e, src).fma(wv, a0);
                a1 = FloatVector.fromArray(S, e, src + L).fma(wv, a1);
                a2 = FloatVector.fromArray(S, e, src + 2 * L).fma(wv, a2);
                a3 = FloatVector.fromArray(S, e, src + 3 * L).fma(wv, a3);
                a4 = FloatVector.fromArray(S, e, src + 4 * L).fma(wv, a4);
                a5 = FloatVector.fromArray(S, e, src + 5 * L).fma(wv, a5);
                a6 = FloatVector.fromArray(S, e, src + 6 * L).fma(wv, a6);
                a7 = FloatVector.fromArray(S, e, src + 7 * L).fma(wv, a7);
            }
            a0.intoArray(rows, at);
            a1.intoArray(rows, at + L);
            a2.intoArray(rows, at + 2 * L);
            a3.intoArray(rows, at + 3 * L);
            a4.intoArray(rows, at + 4 * L);
            a5.intoArray(rows, at + 5 * L);
            a6.intoArray(rows, at + 6 * L);
            a7.intoArray(rows, at + 7 * L);
        }
        for (; i < vectors; i++) {
            FloatVector a = b;
            for (int t = 0; t < shifts.length; t++) {
                a = FloatVector.fromArray(S, e, i * L + shifts[t]).fma(FloatVector.fromArray(S, lw, t * L), a);
            }
            a.intoArray(rows, i * L);
        }
    }

    @Override
    public void backwardWeights(float[] dWeights, float[] dBias, float[] dOut, float[] image, Window2d w, int outChannels) {
        int oh = w.outHeight(), rowLength = w.outWidth() * outChannels;
        backwardWeights(dWeights, dBias, image, w, outChannels, (d, rowFloats, n, scratch) -> {
            for (int oy = 0; oy < oh; oy++) {
                System.arraycopy(dOut, (n * oh + oy) * rowLength, d, oy * rowFloats, rowLength);
            }
        });
    }

    /**
     * dOut's rows are made image by image in this thread's scratch, straight from the pool's gradient; without
     * {@code convOut}, the pool reads the output rows {@link #convolve} makes again from the expanded image.
     */
    @Override
    public void backwardWeightsThroughMaxPool(float[] dWeights, float[] dBias, float[] dPooled, float[] convOut, Window2d pool,
                                              float[] image, float[] weights, float[] bias, Window2d w, int outChannels) {
        int oh = w.outHeight(), rowLength = w.outWidth() * outChannels, pooledImage = pool.outHeight() * pool.outWidth() * outChannels;
        if (convOut != null) {
            backwardWeights(dWeights, dBias, image, w, outChannels, (d, rowFloats, n, scratch) ->
                    LOOPS.maxPool2x2BackwardImage(d, rowFloats, dPooled, n * pooledImage, convOut, n * oh * rowLength, rowLength, pool,
                            outChannels));
            return;
        }
        Layout lay = Layout.of(w, outChannels);
        spreadOverLanes(weights, bias, lay, outChannels);
        float[] lw = laneWeights, lb = laneBias;
        backwardWeights(dWeights, dBias, image, w, outChannels, (d, rowFloats, n, scratch) -> {
            float[] rows = convolve(scratch, scratch[EXPANDED], lw, lb, lay);
            LOOPS.maxPool2x2BackwardImage(d, rowFloats, dPooled, n * pooledImage, rows, 0, rowFloats, pool, outChannels);
        });
    }

    /**
     * Fills rows {@code [oy * rowFloats, oy * rowFloats + outWidth * outChannels)} of {@code d} with image {@code n}'s
     * dOut; {@code scratch} is this thread's, image n expanded in its slot {@link #EXPANDED}.
     */
    private interface GradientRows {
        void fill(float[] d, int rowFloats, int n, float[][] scratch);
    }

    private void backwardWeights(float[] dWeights, float[] dBias, float[] image, Window2d w, int outChannels, GradientRows dOut) {
        Layout lay = Layout.of(w, outChannels);
        int taps = lay.shifts().length, chunkLength = (taps + 1) * L;
        int chunks = VectorBlock.ceilDiv(w.batch(), WEIGHT_CHUNK_IMAGES);
        partials = VectorBlock.atLeast(partials, chunks * chunkLength);
        float[] part = partials;
        int oh = w.outHeight(), rowLength = w.outWidth() * outChannels, rowFloats = lay.rowPixels() * outChannels;
        Parallel.forRange(chunks, 1, (from, to) -> {
            float[][] scratch = SCRATCH.get();
            for (int chunk = from; chunk < to; chunk++) {
                Arrays.fill(part, chunk * chunkLength, (chunk + 1) * chunkLength, 0f);
                int last = Math.min(w.batch(), (chunk + 1) * WEIGHT_CHUNK_IMAGES);
                for (int n = chunk * WEIGHT_CHUNK_IMAGES; n < last; n++) {
                    float[] e = expand(scratch, image, n, w, outChannels, lay);
                    float[] d = scratch[GRADIENT] = VectorBlock.atLeast(scratch[GRADIENT], lay.vectors() * L);
                    dOut.fill(d, rowFloats, n, scratch);
                    for (int oy = 0; oy < oh; oy++) {
                        Arrays.fill(d, oy * rowFloats + rowLength, (oy + 1) * rowFloats, 0f);
                    }
                    accumulateTaps(part, chunk * chunkLength, d, e, lay);
                }
            }
        });
        // dWeights[o][tap] = the chunks' lanes of out-channel o, chunk by chunk in order.
        int p = lay.pixelsPerVector();
        for (int o = 0; o < outChannels; o++) {
            for (int t = 0; t <= taps; t++) {
                float sum = 0f;
                for (int chunk = 0; chunk < chunks; chunk++) {
                    for (int j = 0; j < p; j++) {
                        sum += part[chunk * chunkLength + t * L + j * outChannels + o];
                    }
                }
                if (t < taps) {
                    dWeights[o * taps + t] = sum;
                } else if (dBias != null) {
                    dBias[o] = sum;
                }
            }
        }
    }

    /** {@code part[tap] += sum over vectors of d * e[vector + shift(tap)]}, and {@code part[taps] += sum of d}. */
    private static void accumulateTaps(float[] part, int at, float[] d, float[] e, Layout lay) {
        int[] shifts = lay.shifts();
        int vectors = lay.vectors();
        int t = 0;
        // Three taps at a time share each load of d.
        for (; t + 3 <= shifts.length; t += 3) {
            int s0 = shifts[t], s1 = shifts[t + 1], s2 = shifts[t + 2];
            FloatVector a0 = FloatVector.zero(S), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0;
            int i = 0;
            for (; i + 2 <= vectors; i += 2) {
                int x = i * L;
                FloatVector d0 = FloatVector.fromArray(S, d, x), d1 = FloatVector.fromArray(S, d, x + L);
                a0 = FloatVector.fromArray(S, e, x + s0).fma(d0, a0);
                a1 = FloatVector.fromArray(S, e, x + L + s0).fma(d1, a1);
                b0 = FloatVector.fromArray(S, e, x + s1).fma(d0, b0);
                b1 = FloatVector.fromArray(S, e, x + L + s1).fma(d1, b1);
                c0 = FloatVector.fromArray(S, e, x + s2).fma(d0, c0);
                c1 = FloatVector.fromArray(S, e, x + L + s2).fma(d1, c1);
            }
            for (; i < vectors; i++) {
                FloatVector di = FloatVector.fromArray(S, d, i * L);
                a0 = FloatVector.fromArray(S, e, i * L + s0).fma(di, a0);
                b0 = FloatVector.fromArray(S, e, i * L + s1).fma(di, b0);
                c0 = FloatVector.fromArray(S, e, i * L + s2).fma(di, c0);
            }
            int p0 = at + t * L;
            a0.add(a1).add(FloatVector.fromArray(S, part, p0)).intoArray(part, p0);
            b0.add(b1).add(FloatVector.fromArray(S, part, p0 + L)).intoArray(part, p0 + L);
            c0.add(c1).add(FloatVector.fromArray(S, part, p0 + 2 * L)).intoArray(part, p0 + 2 * L);
        }
        for (; t < shifts.length; t++) {
            int shift = shifts[t];
            FloatVector a0 = FloatVector.zero(S), a1 = a0;
            int i = 0;
            for (; i + 2 <= vectors; i += 2) {
                int x = i * L;
                a0 = FloatVector.fromArray(S, e, x + shift).fma(FloatVector.fromArray(S, d, x), a0);
                a1 = FloatVector.fromArray(S, e, x + L + shift).fma(FloatVector.fromArray(S, d, x + L), a1);
            }
            for (; i < vectors; i++) {
                a0 = FloatVector.fromArray(S, e, i * L + shift).fma(FloatVector.fromArray(S, d, i * L), a0);
            }
            a0.add(a1).add(FloatVector.fromArray(S, part, at + t * L)).intoArray(part, at + t * L);
        }
        FloatVector a0 = FloatVector.zero(S), a1 = a0;
        int i = 0, bias = at + shifts.length * L;
        for (; i + 2 <= vectors; i += 2) {
            a0 = a0.add(FloatVector.fromArray(S, d, i * L));
            a1 = a1.add(FloatVector.fromArray(S, d, (i + 1) * L));
        }
        for (; i < vectors; i++) {
            a0 = a0.add(FloatVector.fromArray(S, d, i * L));
        }
        a0.add(a1).add(FloatVector.fromArray(S, part, bias)).intoArray(part, bias);
    }

    /** Image {@code n} zero-padded, each pixel repeated over {@code outChannels} lanes, in this thread's scratch. */
    private static float[] expand(float[][] scratch, float[] image, int n, Window2d w, int outChannels, Layout lay) {
        float[] e = scratch[EXPANDED] = VectorBlock.atLeast(scratch[EXPANDED], lay.expandedLength(outChannels));
        int h = w.height(), wd = w.width(), ph = w.padH(), pw = w.padW(), rowFloats = lay.rowPixels() * outChannels;
        FloatVector zero = FloatVector.zero(S);
        // Pixel by pixel, left to right: each store writes L lanes, and the next pixel overwrites all but the
        // first outChannels of them (the last pixel of the image spills into the slack).
        for (int iy = 0; iy < lay.expandedRows(); iy++) {
            int y = iy - ph, rowStart = iy * rowFloats, ix = 0;
            if (y >= 0 && y < h) {
                for (; ix < pw; ix++) {
                    zero.intoArray(e, rowStart + ix * outChannels);
                }
                for (int src = (n * h + y) * wd - pw; ix < pw + wd; ix++) {
                    FloatVector.broadcast(S, image[src + ix]).intoArray(e, rowStart + ix * outChannels);
                }
            }
            for (; ix < lay.rowPixels(); ix++) {
                zero.intoArray(e, rowStart + ix * outChannels);
            }
        }
        return e;
    }
}
