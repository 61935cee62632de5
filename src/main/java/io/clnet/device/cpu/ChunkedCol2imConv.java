package io.clnet.device.cpu;

import io.clnet.device.OpKind;
import io.clnet.device.Window2d;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * Backward-data through the patch gradient, {@code dImage = col2im(dOut * weights)}, a few images at a time:
 * each core makes the patch gradient of its images ({@link VectorBlock#multiply}, dOut's rows read in place, the
 * weights packed once into panels) in a scratch that stays in its cache, and adds it back onto those images at
 * once. Whole-batch im2col's GEMM writes the patch gradient out to memory and col2im reads it back: for
 * simple's second conv that is 7 MB each way per step, more time than the multiply-adds.
 *
 * <p>Each kernel row of a patch ({@code kernelW * channels} floats, one run of neighbouring pixels of the image) is
 * padded to whole vectors with zero weights, so that adding it back is whole-vector adds: the padding lands,
 * as zeros, on the next pixels of the same image. Simple's 3 x 24 floats become 3 x 32, exactly the three
 * panels the GEMM computes anyway. Runs cut by the image's edge, or whose padding would pass the image's end,
 * add only their taps inside the image: whole vectors, then float by float.
 *
 * <p>It takes backward-data wherever {@link VectorConv} and {@link PairedBackwardData} do not (few channels,
 * strides, wide padding), except for a 1x1 window, whose patch gradient is dImage itself: one GEMM.
 * Each image's sums are made by one thread in a fixed order: results do not depend on the core count.
 */
final class ChunkedCol2imConv implements CpuConv {
    private static final VectorSpecies<Float> S = VectorBlock.S;
    private static final int L = VectorBlock.L;
    private static final int MR = VectorBlock.MR;
    private static final int NR = VectorBlock.NR;
    /** Floats of patch gradient per chunk: a hundred KB or so, inside one core's L2. */
    private static final int CHUNK_FLOATS = 1 << 15;
    /** Per thread: one chunk's patch gradient. */
    private static final PerThread<float[][]> SCRATCH = new PerThread<>(() -> new float[][] {new float[0]});

    private float[] packedWeights = new float[0];

    @Override
    public boolean suits(OpKind pass, Window2d w, int outChannels) {
        return pass == OpKind.CONV_BACKWARD_DATA && !w.isItsOwnPatchMatrix();
    }

    @Override
    public void backwardData(float[] dImage, float[] dOut, float[] weights, Window2d w, int outChannels) {
        int run = w.kernelW() * w.channels(), paddedRun = VectorBlock.roundUp(run, L);
        int width = VectorBlock.roundUp(w.kernelH() * paddedRun, NR);
        float[] b = packWeights(weights, w, outChannels, paddedRun, width);
        int pixels = w.outHeight() * w.outWidth();
        int imagesPerChunk = Math.max(1, CHUNK_FLOATS / (pixels * width));
        int chunks = VectorBlock.ceilDiv(w.batch(), imagesPerChunk);
        Parallel.forRange(chunks, 1, (from, to) -> {
            float[][] scratch = SCRATCH.get();
            VectorBlock.Workspace block = VectorBlock.workspace();
            for (int chunk = from; chunk < to; chunk++) {
                int first = chunk * imagesPerChunk, last = Math.min(w.batch(), first + imagesPerChunk);
                int rows = (last - first) * pixels, row0 = first * pixels;
                float[] cols = scratch[0] = VectorBlock.atLeast(scratch[0], VectorBlock.roundUp(rows, MR) * width);
                for (int ir = 0; ir < rows; ir += MR) {
                    int valid = Math.min(MR, rows - ir);
                    for (int r = 0; r < MR; r++) {
                        block.rows[r] = (row0 + ir + Math.min(r, valid - 1)) * outChannels;
                    }
                    for (int panel = 0; panel < width / NR; panel++) {
                        VectorBlock.scratchProduct(outChannels, dOut, block.rows, 1, b, panel * outChannels * NR, NR, block.tmp, false);
                        VectorBlock.addBlock(cols, ir * width + panel * NR, width, valid, NR, block.tmp, true);
                    }
                }
                addPatches(dImage, first, last, cols, width, paddedRun, w);
            }
        });
    }

    /**
     * B in panels of NR columns: {@code packed[panel][o][j]} is column {@code panel * NR + j} of the padded patch
     * layout, {@code (ky, x)} with {@code x < paddedRun}: {@code weights[o][ky][x / c][x % c]}, zero for {@code x >= run}.
     */
    private float[] packWeights(float[] weights, Window2d w, int outChannels, int paddedRun, int width) {
        int run = w.kernelW() * w.channels(), kh = w.kernelH();
        packedWeights = VectorBlock.atLeast(packedWeights, width * outChannels);
        float[] b = packedWeights;
        for (int col = 0; col < width; col++) {
            int ky = col / paddedRun, x = col % paddedRun, at = (col / NR * outChannels) * NR + col % NR;
            for (int o = 0; o < outChannels; o++) {
                b[at + o * NR] = ky < kh && x < run ? weights[(o * kh + ky) * run + x] : 0f;
            }
        }
        return b;
    }

    /**
     * col2im of images {@code [first, last)} from their padded patch gradient: see the class comment. The runs of
     * neighbouring output pixels overlap; they are added {@code phases} apart, so that no add reads what the one
     * before it has just stored (a partly overlapping load waits for that store to reach the cache).
     */
    private static void addPatches(float[] dImage, int first, int last, float[] cols, int width, int paddedRun, Window2d w) {
        int oh = w.outHeight(), ow = w.outWidth(), h = w.height(), wd = w.width(), ch = w.channels(), kw = w.kernelW();
        int imageLength = h * wd * ch, phases = VectorBlock.ceilDiv(paddedRun, w.strideW() * ch);
        Arrays.fill(dImage, first * imageLength, last * imageLength, 0f);
        for (int n = first; n < last; n++) {
            int imageEnd = (n + 1) * imageLength;
            for (int oy = 0; oy < oh; oy++) {
                for (int ky = 0; ky < w.kernelH(); ky++) {
                    int iy = oy * w.strideH() - w.padH() + ky;
                    if (iy < 0 || iy >= h) {
                        continue;
                    }
                    int rowStart = (n * h + iy) * wd;
                    for (int phase = 0; phase < phases; phase++) {
                        for (int ox = phase; ox < ow; ox += phases) {
                            int ix0 = ox * w.strideW() - w.padW(), lo = Math.max(0, -ix0), hi = Math.min(kw, wd - ix0);
                            int src = (((n - first) * oh + oy) * ow + ox) * width + ky * paddedRun, dst = (rowStart + ix0) * ch;
                            if (lo == 0 && hi == kw && dst + paddedRun <= imageEnd) {
                                for (int t = 0; t < paddedRun; t += L) {
                                    FloatVector.fromArray(S, dImage, dst + t).add(FloatVector.fromArray(S, cols, src + t)).intoArray(dImage, dst + t);
                                }
                            } else {
                                // Only the taps inside the image: whole vectors of them, then what is left over.
                                int t = lo * ch, end = hi * ch;
                                for (; t + L <= end; t += L) {
                                    FloatVector.fromArray(S, dImage, dst + t).add(FloatVector.fromArray(S, cols, src + t)).intoArray(dImage, dst + t);
                                }
                                for (; t < end; t++) {
                                    dImage[dst + t] += cols[src + t];
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
