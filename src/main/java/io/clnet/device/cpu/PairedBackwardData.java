package io.clnet.device.cpu;

import io.clnet.device.OpKind;
import io.clnet.device.Window2d;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Stride-1 backward-data into an image whose pixels fill half a vector ({@code C = L / 2} channels: simple's
 * second conv, 8 channels under 16 out-channels, with 16-lane vectors), computed straight into each pixel of
 * dImage. {@link ChunkedCol2imConv} goes through the patch gradient: it writes {@code kh * kw} patch values per
 * pixel and adds each back, and its multiply has only the out-channels (16) to sum over.
 *
 * <p>Each vector holds a <b>pair of out-channels</b>: its low half works for out-channel {@code 2m}, its high
 * half for {@code 2m + 1}, every lane of a half for one channel c of the pixel:
 * <pre>
 *   acc(y, x)    += paired(row y + kh-1-ky, column x + kw-1-kx, pair m) * pairWeights(ky, kx, m)    over ky, kx, m
 *   dImage(y, x)  = low half of acc(y, x) + its high half
 * </pre>
 * {@code pairWeights(ky, kx, m)} is {@code weights[2m][ky][kx][0..C)} then {@code weights[2m+1][ky][kx][0..C)},
 * stored {@code [ky][m][kx]}.
 * An image's <b>paired dOut</b> repeats dOut's out-channel 2m of a pixel across the low half and 2m + 1 across the
 * high half (two broadcasts and a blend), at that pixel's place in dOut padded by {@code kh-1-padH} rows and
 * {@code kw-1-padW} columns of zeros before, and zeros after, so every tap is one plain load for every pixel.
 * Paired dOut is laid out {@code [row][pair][column]}, so that the ten paired vectors a block of eight neighbouring
 * output pixels reads for one (kernel row, pair) are consecutive: each is loaded once and meets the three taps
 * of the kernel row (the kernel is 3 wide), 24 multiply-adds for 13 loads. In an ad-hoc microbenchmark of these
 * sums (one core, an image's worth of paired dOut) a load per multiply-add ran at 1.75 G multiply-adds per second,
 * this reuse from a {@code [row][column][pair]} layout at 2.05, and from this layout at 3.2. A row runs in whole blocks of eight, the
 * columns past its width reading zeros and dropped. Two neighbouring pixels' halves are blended into one store.
 *
 * <p>Each image is summed by one thread in a fixed order: results do not depend on the core count.
 */
final class PairedBackwardData implements CpuConv {
    private static final VectorSpecies<Float> S = VectorBlock.S;
    private static final int L = VectorBlock.L;
    private static final int HALF = L / 2;
    private static final VectorShuffle<Float> SWAP_HALVES = VectorShuffle.fromOp(S, i -> (i + HALF) % L);
    private static final VectorMask<Float> HIGH_HALF = VectorMask.fromLong(S, ((1L << L) - 1) & ~((1L << HALF) - 1));
    /** Pixels of a row per register block. */
    private static final int BLOCK = 8;
    /** The kernel width {@link #sumBlock} is unrolled for. */
    private static final int KERNEL_W = 3;
    /** Per thread: {paired dOut of one image, one block's sums}. */
    private static final PerThread<float[][]> SCRATCH = new PerThread<>(() -> new float[][] {new float[0], new float[BLOCK * L]});

    private float[] pairWeights = new float[0];

    @Override
    public boolean suits(OpKind pass, Window2d w, int outChannels) {
        return pass == OpKind.CONV_BACKWARD_DATA && w.channels() == HALF && outChannels % 2 == 0 && w.kernelW() == KERNEL_W
                && w.strideH() == 1 && w.strideW() == 1 && w.padH() < w.kernelH() && w.padW() < w.kernelW();
    }

    /** Where an image's paired dOut and row blocks fall: see the class comment. */
    private record Layout(int pairs, int rowsBefore, int colsBefore, int rows, int cols, int blockedWidth) {

        static Layout of(Window2d w, int outChannels) {
            int blocked = VectorBlock.roundUp(w.width(), BLOCK);
            return new Layout(outChannels / 2, w.kernelH() - 1 - w.padH(), w.kernelW() - 1 - w.padW(),
                    w.height() + w.kernelH() - 1, blocked + w.kernelW() - 1, blocked);
        }

        /** Floats of one row of paired dOut: {@code [pair][column]}. */
        int rowFloats() {
            return pairs * cols * L;
        }

        /** For each (kernel row, pair) in pairWeights' order: where its first paired vector is, from the block's place. */
        int[] offsets(Window2d w) {
            int kh = w.kernelH();
            int[] offsets = new int[kh * pairs];
            for (int ky = 0; ky < kh; ky++) {
                for (int m = 0; m < pairs; m++) {
                    offsets[ky * pairs + m] = (kh - 1 - ky) * rowFloats() + m * cols * L;
                }
            }
            return offsets;
        }
    }

    @Override
    public void backwardData(float[] dImage, float[] dOut, float[] weights, Window2d w, int outChannels) {
        Layout lay = Layout.of(w, outChannels);
        float[] pw = packWeights(weights, w, lay);
        int[] offsets = lay.offsets(w);
        int imageLength = w.height() * w.width() * HALF;
        Parallel.forRange(w.batch(), 1, (from, to) -> {
            float[][] scratch = SCRATCH.get();
            float[] paired = scratch[0] = VectorBlock.atLeast(scratch[0], lay.rows() * lay.rowFloats());
            float[] sums = scratch[1];
            for (int n = from; n < to; n++) {
                pairImage(paired, dOut, n, w, outChannels, lay);
                for (int y = 0; y < w.height(); y++) {
                    for (int x0 = 0; x0 < lay.blockedWidth(); x0 += BLOCK) {
                        sumBlock(sums, paired, pw, offsets, y * lay.rowFloats() + x0 * L);
                        store(dImage, n * imageLength + (y * w.width() + x0) * HALF, Math.min(BLOCK, w.width() - x0), sums);
                    }
                }
            }
        });
    }

    /** {@code pairWeights[ky][m][kx]}: see the class comment. */
    private float[] packWeights(float[] weights, Window2d w, Layout lay) {
        int kh = w.kernelH(), kw = w.kernelW(), pairs = lay.pairs();
        pairWeights = VectorBlock.atLeast(pairWeights, kh * pairs * kw * L);
        float[] pw = pairWeights;
        for (int ky = 0; ky < kh; ky++) {
            for (int m = 0; m < pairs; m++) {
                for (int kx = 0; kx < kw; kx++) {
                    for (int lane = 0; lane < L; lane++) {
                        int o = 2 * m + lane / HALF;
                        pw[((ky * pairs + m) * kw + kx) * L + lane] = weights[((o * kh + ky) * kw + kx) * HALF + lane % HALF];
                    }
                }
            }
        }
        return pw;
    }

    /** Image n's paired dOut: see the class comment; every float of it is written. */
    private static void pairImage(float[] paired, float[] dOut, int n, Window2d w, int outChannels, Layout lay) {
        int oh = w.outHeight(), ow = w.outWidth(), pairStride = lay.cols() * L;
        FloatVector zero = FloatVector.zero(S);
        for (int r = 0; r < lay.rows(); r++) {
            int oy = r - lay.rowsBefore();
            for (int col = 0; col < lay.cols(); col++) {
                int ox = col - lay.colsBefore(), at = r * lay.rowFloats() + col * L;
                int src = ((n * oh + oy) * ow + ox) * outChannels;
                if (oy < 0 || oy >= oh || ox < 0 || ox >= ow) {
                    for (int m = 0; m < lay.pairs(); m++) {
                        zero.intoArray(paired, at + m * pairStride);
                    }
                } else {
                    for (int m = 0; m < lay.pairs(); m++) {
                        FloatVector.broadcast(S, dOut[src + 2 * m]).blend(FloatVector.broadcast(S, dOut[src + 2 * m + 1]), HIGH_HALF)
                                .intoArray(paired, at + m * pairStride);
                    }
                }
            }
        }
    }

    /**
     * The sums of the 8 pixels of a block from {@code base} in paired dOut into {@code sums}, a vector per pixel
     * (its halves still to be added). Paired column c of a kernel row meets tap kx for output pixel {@code c - 2 + kx}.
     * One loop over (kernel row, pair), {@code offsets} giving each one's first paired vector: C2 on JDK 17 boxed
     * the accumulators when they were carried through nested loops.
     */
    private static void sumBlock(float[] sums, float[] paired, float[] pw, int[] offsets, int base) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int i = 0; i < offsets.length; i++) {
            int wi = i * KERNEL_W * L, at = base + offsets[i];
            FloatVector w0 = FloatVector.fromArray(S, pw, wi), w1 = FloatVector.fromArray(S, pw, wi + L);
            FloatVector w2 = FloatVector.fromArray(S, pw, wi + 2 * L);
            FloatVector d = FloatVector.fromArray(S, paired, at);
            a0 = d.fma(w2, a0);
            d = FloatVector.fromArray(S, paired, at + L);
            a0 = d.fma(w1, a0);
            a1 = d.fma(w2, a1);
            d = FloatVector.fromArray(S, paired, at + 2 * L);
            a0 = d.fma(w0, a0);
            a1 = d.fma(w1, a1);
            a2 = d.fma(w2, a2);
            d = FloatVector.fromArray(S, paired, at + 3 * L);
            a1 = d.fma(w0, a1);
            a2 = d.fma(w1, a2);
            a3 = d.fma(w2, a3);
            d = FloatVector.fromArray(S, paired, at + 4 * L);
            a2 = d.fma(w0, a2);
            a3 = d.fma(w1, a3);
            a4 = d.fma(w2, a4);
            d = FloatVector.fromArray(S, paired, at + 5 * L);
            a3 = d.fma(w0, a3);
            a4 = d.fma(w1, a4);
            a5 = d.fma(w2, a5);
            d = FloatVector.fromArray(S, paired, at + 6 * L);
            a4 = d.fma(w0, a4);
            a5 = d.fma(w1, a5);
            a6 = d.fma(w2, a6);
            d = FloatVector.fromArray(S, paired, at + 7 * L);
            a5 = d.fma(w0, a5);
            a6 = d.fma(w1, a6);
            a7 = d.fma(w2, a7);
            d = FloatVector.fromArray(S, paired, at + 8 * L);
            a6 = d.fma(w0, a6);
            a7 = d.fma(w1, a7);
            d = FloatVector.fromArray(S, paired, at + 9 * L);
            a7 = d.fma(w0, a7);
        }
        a0.intoArray(sums, 0);
        a1.intoArray(sums, L);
        a2.intoArray(sums, 2 * L);
        a3.intoArray(sums, 3 * L);
        a4.intoArray(sums, 4 * L);
        a5.intoArray(sums, 5 * L);
        a6.intoArray(sums, 6 * L);
        a7.intoArray(sums, 7 * L);
    }

    /**
     * The first {@code valid} pixels' sums to dImage from {@code at}: each vector's halves added, then two pixels
     * per store, a last odd one by copy.
     */
    private static void store(float[] dImage, int at, int valid, float[] sums) {
        for (int p = 0; p < valid; p++) {
            FloatVector v = FloatVector.fromArray(S, sums, p * L);
            v.add(v.rearrange(SWAP_HALVES)).intoArray(sums, p * L);
        }
        int p = 0;
        for (; p + 2 <= valid; p += 2) {
            FloatVector.fromArray(S, sums, p * L).blend(FloatVector.fromArray(S, sums, (p + 1) * L), HIGH_HALF)
                    .intoArray(dImage, at + p * HALF);
        }
        if (p < valid) {
            System.arraycopy(sums, p * L, dImage, at + p * HALF, HALF);
        }
    }
}
