package io.clnet.device.cpu;

import io.clnet.device.OpKind;
import io.clnet.device.Window2d;

/**
 * Convolutions whose out-channels fill less than half a register panel, such
 * as simple's 8 and 16, or whose kernel rows are a few floats long, such as a one-channel image's:
 * {@link VectorConv} would leave most of each {@link VectorBlock#NR}-wide block empty or carry it between
 * calls of a few steps, and im2col writes the image out {@code kh * kw} times. Two layouts let {@link VectorBlock#multiply} run
 * with every call covering a whole window:
 * <ul>
 *   <li><b>Stacked image</b>: for each output row, the {@code kh} input rows its windows read, interleaved
 *       pixel by pixel: {@code stacked[n][oy][x][ky][c] = padded[n][oy * sh + ky][x][c]}. The windows of
 *       neighbouring output pixels of one row are then one contiguous run (x from {@code ox * sw} on), so one
 *       call covers every tap and nothing is carried between kernel rows. It is {@code kh} copies of the
 *       image, where im2col is {@code kh * kw}. The tall forward stacks each tile's rows in the thread's
 *       scratch just before it multiplies them, so they are read from its cache (simple's median step was
 *       0.11-0.13 ms shorter than with the whole batch stacked first, in an ad-hoc in-JVM A/B).</li>
 *   <li><b>Pixels folded into columns</b>: a block column is (pixel j of a group of {@code P} neighbours,
 *       out-channel o), {@code P = NR / lanes} where {@code lanes} is the out-channel count rounded up to a
 *       power of two. The weights are spread so that the run's pixel x meets kernel column
 *       {@code x - j * sw} of pixel j, and zero where that is outside the kernel. The group's P outputs are
 *       {@code P * outChannels} consecutive floats of out.</li>
 * </ul>
 * Backward-data is {@link PairedBackwardData}'s or {@link ChunkedCol2imConv}'s: as a forward of dOut with the kernel turned (as {@link VectorConv}
 * does it) it folds 4 pixels of 8 channels, half the block is zeros, and the stacked dOut is large; simple's
 * conv2 ran at 33-37 GFLOP/s that way against 40-44 through im2col, so {@link #suits} does not offer it.
 * Out-channels that fill one vector take their weight gradient from {@link VectorConv}'s tall blocks.
 * The weight gradient takes dOut as A (rows = out-channels, k = the pixels of an output row) and the stacked image as B:
 * a pixel's taps are the first {@code kw * kh * c} floats of its run. Pixels are cut into fixed chunks whose
 * partial sums are added in order, so the result does not depend on the core count.
 */
final class NarrowConv implements CpuConv {
    private static final int MR = VectorBlock.MR;
    private static final int NR = VectorBlock.NR;
    private static final int L = VectorBlock.L;
    private static final int TALL = VectorBlock.TALL;
    /** Pixel groups per forward task. */
    private static final int FORWARD_TILE = 32;
    /** Output pixels per partial sum of the weight gradient: its dOut and stacked rows stay in L2. */
    private static final int WEIGHT_CHUNK_PIXELS = 2048;

    /**
     * Below this many floats per kernel row, {@link VectorConv}'s forward carries its block between calls that
     * are too short, and this forward wins even with a full panel of out-channels: lenet's first conv (one
     * channel, 5x5, 32 out) ran at 95-97 against 72-86 GFLOP/s. Its weight gradient goes to {@link VectorConv},
     * whose calls run a whole image: 117-125 against 80-84 here.
     */
    private static final int SHORT_KERNEL_ROW = 16;

    /** Per thread: the stacked rows of one forward tile. */
    private static final PerThread<float[][]> TILE = new PerThread<>(() -> new float[][] {new float[0]});

    private float[] stacked = new float[0];
    private float[] folded = new float[0];
    private float[] foldedBias = new float[NR];
    private float[] partials = new float[0];

    @Override
    public boolean suits(OpKind pass, Window2d w, int outChannels) {
        return switch (pass) {
            case CONV_FORWARD -> outChannels <= NR / 2
                    || outChannels <= NR && w.kernelW() * w.channels() < SHORT_KERNEL_ROW;
            case CONV_BACKWARD_WEIGHTS -> outChannels < L; // one vector of them: VectorConv's tall blocks
            default -> false;
        };
    }

    @Override
    public void forward(float[] out, float[] image, float[] weights, float[] bias, Window2d w, int outChannels) {
        if (lanesPerPixel(outChannels) == L) {
            forwardTall(out, image, weights, bias, w, outChannels);
        } else {
            forwardFolded(out, image, weights, bias, w, outChannels);
        }
    }

    /**
     * Out-channels that fill one vector (simple's second conv: 16) would fold just two pixels into a block, and
     * a quarter of each window's run would meet zero weights: here a {@link VectorBlock#multiplyTall} block is
     * sixteen output pixels by the out-channels, and every multiply-add is a tap.
     */
    private void forwardTall(float[] out, float[] image, float[] weights, float[] bias, Window2d w, int outChannels) {
        int kc = w.kernelH() * w.channels(), run = w.kernelW() * kc, ow = w.outWidth();
        int stackedWidth = stackedWidth(w, 1), rowLength = stackedWidth * kc, pixelStep = w.strideW() * kc;
        float[] b = fold(weights, w, outChannels, 1, L);
        float[] groupBias = bias == null ? null : spreadBias(bias, outChannels, L);
        int pixels = w.patchRows(), tile = FORWARD_TILE * TALL;
        Parallel.forRange(VectorBlock.ceilDiv(pixels, tile), 1, (from, to) -> {
            VectorBlock.Workspace block = VectorBlock.workspace();
            float[][] scratch = TILE.get();
            for (int t = from; t < to; t++) {
                // This tile's output rows, stacked in this thread's scratch: they stay in its cache for the blocks.
                int start = t * tile, end = Math.min(pixels, start + tile), firstRow = start / ow, rows = (end - 1) / ow + 1 - firstRow;
                float[] s = scratch[0] = VectorBlock.atLeast(scratch[0], rows * rowLength);
                stackRows(s, 0, image, w, stackedWidth, firstRow, firstRow + rows);
                for (int m0 = start; m0 < end; m0 += TALL) {
                    int valid = Math.min(TALL, end - m0);
                    for (int r = 0; r < TALL; r++) {
                        int m = m0 + Math.min(r, valid - 1);
                        block.rows[r] = (m / ow - firstRow) * rowLength + m % ow * pixelStep;
                    }
                    VectorBlock.multiplyTall(run, s, block.rows, 1, b, 0, NR, block.tmp);
                    if (groupBias != null) {
                        VectorBlock.addToRows(block.tmp, groupBias, 0);
                    }
                    if (outChannels == L) {
                        System.arraycopy(block.tmp, 0, out, m0 * L, valid * L);
                    } else {
                        for (int r = 0; r < valid; r++) {
                            System.arraycopy(block.tmp, r * L, out, (m0 + r) * outChannels, outChannels);
                        }
                    }
                }
            }
        });
    }

    @Override
    public void backwardWeights(float[] dWeights, float[] dBias, float[] dOut, float[] image, Window2d w, int outChannels) {
        int kh = w.kernelH(), kw = w.kernelW(), c = w.channels(), kc = kh * c, taps = kw * kc;
        int width = VectorBlock.roundUp(taps, NR), panels = width / NR, rowBlocks = VectorBlock.ceilDiv(outChannels, MR);
        int stackedWidth = stackedWidth(w, NR / lanesPerPixel(outChannels)), rowLength = stackedWidth * kc;
        float[] s = stack(image, w, stackedWidth, width);
        int ow = w.outWidth(), outRows = w.batch() * w.outHeight(), step = w.strideW() * kc;
        int rowsPerChunk = Math.max(1, WEIGHT_CHUNK_PIXELS / ow), chunks = VectorBlock.ceilDiv(outRows, rowsPerChunk);
        int chunkLength = rowBlocks * MR * width;
        partials = VectorBlock.atLeast(partials, chunks * chunkLength);
        float[] part = partials;
        Parallel.forRange(chunks, 1, (from, to) -> {
            VectorBlock.Workspace block = VectorBlock.workspace();
            for (int chunk = from; chunk < to; chunk++) {
                int first = chunk * rowsPerChunk, last = Math.min(outRows, first + rowsPerChunk);
                for (int rb = 0; rb < rowBlocks; rb++) {
                    for (int panel = 0; panel < panels; panel++) {
                        for (int row = first; row < last; row++) {
                            for (int r = 0; r < MR; r++) {
                                block.rows[r] = row * ow * outChannels + Math.min(rb * MR + r, outChannels - 1);
                            }
                            VectorBlock.scratchProduct(ow, dOut, block.rows, outChannels, s, row * rowLength + panel * NR, step, block.tmp,
                                    row > first);
                        }
                        VectorBlock.addBlock(part, chunk * chunkLength + rb * MR * width + panel * NR, width, MR, NR, block.tmp, true);
                    }
                }
            }
        });
        // dWeights[o][ky][kx][c] = the chunks' sums, in chunk order, of column (kx, ky, c) of row o.
        Parallel.forRange(outChannels, 1, (from, to) -> {
            for (int o = from; o < to; o++) {
                for (int ky = 0; ky < kh; ky++) {
                    for (int kx = 0; kx < kw; kx++) {
                        for (int ch = 0; ch < c; ch++) {
                            int column = o * width + (kx * kh + ky) * c + ch;
                            float sum = 0f;
                            for (int chunk = 0; chunk < chunks; chunk++) {
                                sum += part[chunk * chunkLength + column];
                            }
                            dWeights[((o * kh + ky) * kw + kx) * c + ch] = sum;
                        }
                    }
                }
            }
        });
    }

    /** {@code out = conv(image, weights) + bias} with the pixels of each group of P folded into the block's columns. */
    private void forwardFolded(float[] out, float[] image, float[] weights, float[] bias, Window2d w, int outChannels) {
        int lanes = lanesPerPixel(outChannels), p = NR / lanes;
        int kc = w.kernelH() * w.channels(), sw = w.strideW(), ow = w.outWidth();
        int stackedWidth = stackedWidth(w, p), rowLength = stackedWidth * kc;
        float[] s = stack(image, w, stackedWidth, 0);
        float[] b = fold(weights, w, outChannels, p, lanes);
        float[] groupBias = bias == null ? null : spreadBias(bias, outChannels, lanes);
        int run = ((p - 1) * sw + w.kernelW()) * kc, groupStep = p * sw * kc;
        int perRow = VectorBlock.ceilDiv(ow, p), groups = w.batch() * w.outHeight() * perRow;
        Parallel.forRange(VectorBlock.ceilDiv(groups, FORWARD_TILE), 1, (from, to) -> {
            VectorBlock.Workspace block = VectorBlock.workspace();
            int end = Math.min(groups, to * FORWARD_TILE);
            for (int g0 = from * FORWARD_TILE; g0 < end; g0 += MR) {
                int rows = Math.min(MR, end - g0);
                for (int r = 0; r < MR; r++) {
                    int g = g0 + Math.min(r, rows - 1);
                    block.rows[r] = g / perRow * rowLength + g % perRow * groupStep;
                }
                VectorBlock.scratchProduct(run, s, block.rows, 1, b, 0, NR, block.tmp, false);
                if (groupBias != null) {
                    VectorBlock.addToRows(block.tmp, groupBias, 0);
                }
                for (int r = 0; r < rows; r++) {
                    int g = g0 + r, ox0 = g % perRow * p, pixels = Math.min(p, ow - ox0);
                    int dst = (g / perRow * ow + ox0) * outChannels;
                    if (lanes == outChannels) {
                        System.arraycopy(block.tmp, r * NR, out, dst, pixels * outChannels);
                    } else {
                        for (int j = 0; j < pixels; j++) {
                            System.arraycopy(block.tmp, r * NR + j * lanes, out, dst + j * outChannels, outChannels);
                        }
                    }
                }
            }
        });
    }

    /** The bias repeated every {@code lanes} columns over a block's NR, zero past the last out-channel. */
    private float[] spreadBias(float[] bias, int outChannels, int lanes) {
        for (int j = 0; j < NR; j++) {
            foldedBias[j] = j % lanes < outChannels ? bias[j % lanes] : 0f;
        }
        return foldedBias;
    }

    /**
     * B of the folded forward, {@code [run][NR]}: row {@code k = (x * kh + ky) * c + ch} of a group's run, column
     * {@code j * lanes + o} holds {@code weights[o][ky][x - j * sw][ch]}, or zero outside the kernel or past the last out-channel.
     */
    private float[] fold(float[] weights, Window2d w, int outChannels, int p, int lanes) {
        int kh = w.kernelH(), kw = w.kernelW(), c = w.channels(), sw = w.strideW();
        int run = ((p - 1) * sw + kw) * kh * c;
        folded = VectorBlock.atLeast(folded, run * NR);
        float[] b = folded;
        for (int k = 0; k < run; k++) {
            int x = k / (kh * c), ky = k / c % kh, ch = k % c;
            for (int j = 0; j < p; j++) {
                int kx = x - j * sw;
                for (int o = 0; o < lanes; o++) {
                    boolean tap = o < outChannels && kx >= 0 && kx < kw;
                    b[k * NR + j * lanes + o] = tap ? weights[((o * kh + ky) * kw + kx) * c + ch] : 0f;
                }
            }
        }
        return b;
    }

    /**
     * The stacked image ({@code [batch * outHeight][stackedWidth][kh][c]}, zero in the padding) in reused
     * scratch, followed by {@code slack} floats that a block may read past the last run and ignore.
     */
    private float[] stack(float[] image, Window2d w, int stackedWidth, int slack) {
        int rowLength = stackedWidth * w.kernelH() * w.channels(), outRows = w.batch() * w.outHeight();
        stacked = VectorBlock.atLeast(stacked, outRows * rowLength + slack);
        float[] s = stacked;
        Parallel.forRange(outRows, Math.max(1, 4096 / rowLength), (from, to) -> stackRows(s, from * rowLength, image, w, stackedWidth, from, to));
        return s;
    }

    /** Stacked rows {@code [from, to)} (each an output row of some image) into {@code s} from {@code at} on. */
    private static void stackRows(float[] s, int at, float[] image, Window2d w, int stackedWidth, int from, int to) {
        int kh = w.kernelH(), c = w.channels(), kc = kh * c, h = w.height(), wd = w.width(), oh = w.outHeight();
        int sh = w.strideH(), ph = w.padH(), pw = w.padW(), rowLength = stackedWidth * kc;
        for (int row = from; row < to; row++) {
            int n = row / oh, oy = row % oh, base = at + (row - from) * rowLength;
            for (int ky = 0; ky < kh; ky++) {
                int iy = oy * sh + ky - ph, to0 = base + ky * c;
                if (iy < 0 || iy >= h) {
                    zero(s, to0, kc, c, 0, stackedWidth);
                    continue;
                }
                zero(s, to0, kc, c, 0, pw);
                zero(s, to0, kc, c, pw + wd, stackedWidth);
                int src = (n * h + iy) * wd * c, dst = to0 + pw * kc;
                if (c == 1) {
                    for (int x = 0; x < wd; x++) {
                        s[dst + x * kc] = image[src + x];
                    }
                } else {
                    for (int x = 0; x < wd; x++) {
                        System.arraycopy(image, src + x * c, s, dst + x * kc, c);
                    }
                }
            }
        }
    }

    /** Zeroes the {@code c} floats of pixels {@code [from, to)} of one kernel row of a stacked row (pixels {@code kc} apart). */
    private static void zero(float[] s, int start, int kc, int c, int from, int to) {
        for (int x = from; x < to; x++) {
            for (int ch = 0; ch < c; ch++) {
                s[start + x * kc + ch] = 0f;
            }
        }
    }

    /** Wide enough for the padded image and for the last group of P pixels of a row, even when it is cut short. */
    private static int stackedWidth(Window2d w, int p) {
        int groupedWidth = VectorBlock.roundUp(w.outWidth(), p);
        return Math.max(w.width() + 2 * w.padW(), (groupedWidth - 1) * w.strideW() + w.kernelW());
    }

    /** Block columns per output pixel: the out-channels rounded up to a power of two, so P of them fill NR. */
    private static int lanesPerPixel(int outChannels) {
        return outChannels <= 1 ? 1 : Integer.highestOneBit(outChannels - 1) << 1;
    }
}
