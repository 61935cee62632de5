package io.clnet.device.cpu;

import io.clnet.device.OpKind;
import io.clnet.device.Window2d;

import jdk.incubator.vector.FloatVector;

import java.util.Arrays;

/**
 * Convolution without the im2col matrix ("implicit GEMM"): the GEMM's A is read straight out of a zero-padded
 * copy of the image. For output pixel m, kernel row ky, the taps {@code (kx, c)} of its window are
 * {@code kernelW * channels} consecutive floats of the padded image, so {@link VectorBlock#multiply} walks
 * each kernel row in one linear run. This skips writing and reading the patch matrix (80 MB per step for
 * lenet's second conv) and lets the backward passes work from the image as well:
 * <ul>
 *   <li>forward: {@code out[m][o] = sum over (ky, kx, c) of padded[m's window + ...] * w[o][ky][kx][c]};</li>
 *   <li>backward-data (stride 1): the forward of dOut padded by {@code kernel - 1 - pad}, with the kernel
 *       turned 180 degrees and its in- and out-channels swapped;</li>
 *   <li>backward-weights: register blocks of 8 taps x {@link VectorBlock#NR} out-channels, k running over
 *       an image's output pixels in a copy of the image made per kernel column.</li>
 * </ul>
 * Every output element is summed by one thread in a fixed order: results do not depend on the core count.
 * Scratch arrays grow to the largest layer and are then reused, so steady-state steps allocate nothing.
 */
final class VectorConv implements CpuConv {
    private static final int MR = VectorBlock.MR;
    private static final int NR = VectorBlock.NR;
    private static final int L = VectorBlock.L;
    private static final int TALL = VectorBlock.TALL;
    /** Output pixels per task in the forward: enough work to hide the task's start. */
    private static final int FORWARD_TILE = 128;
    /** Images per partial sum of the weight gradient. */
    private static final int WEIGHT_CHUNK_IMAGES = 8;

    private float[] padded = new float[0];
    private float[] packedWeights = new float[0];
    private float[] packedBias = new float[0];
    private float[] packedGradient = new float[0];
    private float[] partialGradients = new float[0];
    /** Per thread: one image of the weight gradient copied per kernel column ({@link #shiftColumns}). */
    private static final PerThread<float[][]> SHIFTED = new PerThread<>(() -> new float[][] {new float[0]});
    /** Per thread: one image's dOut rows, routed through a max pool ({@link PoolRoute}). */
    private static final PerThread<float[][]> ROUTED = new PerThread<>(() -> new float[][] {new float[0]});
    private static final CpuLoops LOOPS = new VectorLoops();
    /** Per thread: one tap's weight gradient, every out-channel, as its chunks are summed. */
    private static final PerThread<float[][]> TAP_SUMS = new PerThread<>(() -> new float[][] {new float[0]});

    /**
     * When a pass runs from the image, measured on lenet and simple ({@code train --profile}, and each pass
     * timed alone): the columns of its register block (out-channels; in-channels for backward-data) must fill
     * a whole panel, since im2col's GEMM handles a narrow N no worse and simple's 8 and 16 channels ran slower
     * here; and the run of k between two carries of the block must pay for the carry: a kernel row of taps in
     * backward-data, an image's output pixels (one output row of them when strided in y) in the weight gradient. The forward gains even on a one-channel
     * image (lenet's first conv: 75 against 45 GFLOP/s), where a kernel row is only 5 taps.
     */
    private static final int MIN_RUN = 16;
    private static final int MIN_RUN_OF_PIXELS = 8;

    @Override
    public boolean suits(OpKind pass, Window2d w, int outChannels) {
        return switch (pass) {
            case CONV_FORWARD -> outChannels >= NR;
            case CONV_BACKWARD_DATA -> w.strideH() == 1 && w.strideW() == 1 && w.padH() < w.kernelH() && w.padW() < w.kernelW()
                    && w.channels() >= NR && w.kernelW() * outChannels >= MIN_RUN;
            case CONV_BACKWARD_WEIGHTS -> (outChannels >= NR || outChannels == L)
                    && (w.strideH() == 1 ? w.outHeight() * w.outWidth() : w.outWidth()) >= MIN_RUN_OF_PIXELS;
            default -> false;
        };
    }

    /** {@code out[patchRows][outChannels] = im2col(image) * weights^T}, weights {@code [outChannels][kh][kw][c]}. */
    @Override
    public void forward(float[] out, float[] image, float[] weights, float[] bias, Window2d w, int outChannels) {
        int taps = w.patchCols();
        packedWeights = packPanels(packedWeights, weights, outChannels, taps, tap -> tap, taps);
        if (bias != null) {
            packedBias = packPanels(packedBias, bias, outChannels, 1, tap -> 0, 1);
        }
        forwardPacked(out, image, packedWeights, bias == null ? null : packedBias, w, outChannels);
    }

    /** {@code dImage = col2im(dOut * weights)}, as a forward of dOut (see the class comment): stride 1, padding below the kernel. */
    @Override
    public void backwardData(float[] dImage, float[] dOut, float[] weights, Window2d w, int outChannels) {
        int kh = w.kernelH(), kw = w.kernelW(), c = w.channels(), taps = w.patchCols();
        Window2d turned = new Window2d(w.batch(), w.outHeight(), w.outWidth(), outChannels, kh, kw, 1, 1,
                kh - 1 - w.padH(), kw - 1 - w.padW());
        // turned[c][ky][kx][o] = weights[o][kh-1-ky][kw-1-kx][c], packed as forward packs: panels of NR in-channels.
        packedWeights = packPanels(packedWeights, weights, c, kh * kw * outChannels, tap -> {
            int ky = tap / (kw * outChannels), kx = tap / outChannels % kw, o = tap % outChannels;
            return o * taps + ((kh - 1 - ky) * kw + (kw - 1 - kx)) * c;
        }, 1);
        forwardPacked(dImage, dOut, packedWeights, null, turned, c);
    }

    /**
     * {@code dWeights[outChannels][taps] = dOut^T * im2col(image)}: register blocks of 8 taps x NR out-channels,
     * k running over an image's output pixels. The image is first copied once per kernel column, cropped to
     * the output width ({@link #shiftColumns}), so that with stride 1 in y a tap's inputs over the whole image
     * are one linear run: one call per image and block, where reading the padded image needs one per output
     * row (lenet's second conv: 14 pixels between two carries of the block, 135-148 GFLOP/s). The bias
     * gradient is one more tap whose input is always 1, so it costs no pass of its own over dOut. Images are
     * cut into fixed chunks whose sums are added in chunk order, so the result does not depend on the core count.
     */
    @Override
    public boolean sumsBiasGradient() {
        return true;
    }

    @Override
    public void backwardWeights(float[] dWeights, float[] dBias, float[] dOut, float[] image, Window2d w, int outChannels) {
        weightGradient(dWeights, dBias, dOut, null, image, w, outChannels);
    }

    /**
     * Under a 2x2 max pool that tiles the output, with the output kept (lenet's first layer): dOut's rows of an image
     * are routed from the pool's gradient into the thread's scratch just before that image's blocks read them, instead
     * of written out whole (12.8 MB a step there) by a pass of their own and read back.
     */
    @Override
    public boolean routesMaxPoolGradient(Window2d pool, Window2d w, int outChannels) {
        return suits(OpKind.CONV_BACKWARD_WEIGHTS, w, outChannels) && readsGradientInPlace(outChannels) && CpuWindowOps.isTiled2x2(pool);
    }

    @Override
    public void backwardWeightsThroughMaxPool(float[] dWeights, float[] dBias, float[] dPooled, float[] convOut, Window2d pool,
                                              float[] image, float[] weights, float[] bias, Window2d w, int outChannels) {
        weightGradient(dWeights, dBias, dPooled, new PoolRoute(convOut, pool), image, w, outChannels);
    }

    /** The max pool a weight gradient's dOut is routed through: the convolution's kept output, the pool's window. */
    private record PoolRoute(float[] convOut, Window2d pool) {

        /** Image {@code n}'s dOut rows, {@code [plane][outChannels]}, into {@code rows} from the pool's gradient {@code dPooled}. */
        void routeImage(float[] rows, float[] dPooled, int n, int outChannels) {
            int rowLength = pool.width() * outChannels;
            LOOPS.maxPool2x2BackwardImage(rows, rowLength, dPooled, n * pool.outHeight() * pool.outWidth() * outChannels, convOut,
                    n * pool.height() * rowLength, rowLength, pool, outChannels);
        }
    }

    /** Whether dOut's rows are read where they lie: whole panels of out-channels, or one vector of them. */
    private static boolean readsGradientInPlace(int outChannels) {
        return outChannels == L || outChannels % NR == 0;
    }

    /** {@code dOut} is the convolution's output gradient, or with {@code route} the pool's gradient to route through it. */
    private void weightGradient(float[] dWeights, float[] dBias, float[] dOut, PoolRoute route, float[] image, Window2d w,
                                int outChannels) {
        int kernelTaps = w.patchCols(), taps = kernelTaps + (dBias == null ? 0 : 1);
        // One vector of out-channels: blocks of TALL taps by that vector (multiplyTall) instead of MR taps by NR.
        boolean tall = outChannels == L;
        int panels = VectorBlock.ceilDiv(outChannels, NR), width = tall ? L : panels * NR, blockRows = tall ? TALL : MR;
        int plane = w.outHeight() * w.outWidth(), ow = w.outWidth(), c = w.channels();
        int run = w.strideH() == 1 ? plane : ow, rowStep = w.strideH() * ow * c;
        // B: dOut itself when its rows are whole panels, else dOut copied into panels of NR zero-padded channels.
        boolean direct = readsGradientInPlace(outChannels);
        float[] b = direct ? dOut : packGradient(dOut, w.patchRows(), outChannels, panels); // routing implies direct
        int bStep = direct ? outChannels : NR;
        int chunks = VectorBlock.ceilDiv(w.batch(), WEIGHT_CHUNK_IMAGES), chunkLength = VectorBlock.roundUp(taps, blockRows) * width;
        partialGradients = VectorBlock.atLeast(partialGradients, chunks * chunkLength);
        float[] part = partialGradients;
        int blocks = VectorBlock.ceilDiv(taps, blockRows);
        // Block ranges split a chunk further when there are too few chunks for the cores: they write disjoint taps.
        int groups = Math.min(blocks, VectorBlock.ceilDiv(4 * Parallel.THREADS, chunks));
        // The copies of the image for each kernel column, then a plane of ones for the bias tap.
        int planeLength = (w.height() + 2 * w.padH()) * ow * c, onesStart = w.kernelW() * planeLength;
        Parallel.forRange(chunks * groups, 1, (from, to) -> {
            VectorBlock.Workspace block = VectorBlock.workspace();
            float[] shifted = SHIFTED.get()[0] = VectorBlock.atLeast(SHIFTED.get()[0], onesStart + planeLength);
            Arrays.fill(shifted, onesStart, onesStart + planeLength, 1f);
            for (int t = from; t < to; t++) {
                int chunk = t / groups, group = t % groups;
                int firstImage = chunk * WEIGHT_CHUNK_IMAGES, lastImage = Math.min(w.batch(), firstImage + WEIGHT_CHUNK_IMAGES);
                for (int n = firstImage; n < lastImage; n++) {
                    shiftColumns(shifted, image, n, w);
                    // Where image n's dOut rows start (read in place), in b or in the rows routed through the pool.
                    float[] g = b;
                    int gStart = n * plane * outChannels;
                    if (route != null) {
                        g = ROUTED.get()[0] = VectorBlock.atLeast(ROUTED.get()[0], plane * outChannels);
                        route.routeImage(g, dOut, n, outChannels);
                        gStart = 0;
                    }
                    for (int blk = group * blocks / groups; blk < (group + 1) * blocks / groups; blk++) {
                        int tap0 = blk * blockRows;
                        for (int r = 0; r < blockRows; r++) {
                            int tap = Math.min(tap0 + r, taps - 1);
                            block.offsets[r] = tap == kernelTaps ? onesStart : shiftedOffset(tap, w);
                        }
                        if (tall) {
                            int at = chunk * chunkLength + tap0 * L;
                            if (n == firstImage) {
                                Arrays.fill(part, at, at + TALL * L, 0f);
                            }
                            for (int p = 0; p < plane; p += run) {
                                for (int r = 0; r < TALL; r++) {
                                    block.rows[r] = p / ow * rowStep + block.offsets[r];
                                }
                                VectorBlock.multiplyTall(run, shifted, block.rows, c, g, gStart + p * L, L, block.tmp);
                                VectorBlock.addBlock(part, at, NR, MR, NR, block.tmp, false);
                            }
                            continue;
                        }
                        for (int panel = 0; panel < panels; panel++) {
                            int at = chunk * chunkLength + tap0 * width + panel * NR;
                            boolean carry = n > firstImage;
                            if (carry) {
                                load(block.tmp, part, at, width);
                            }
                            for (int p = 0; p < plane; p += run) {
                                int origin = p / ow * rowStep;
                                for (int r = 0; r < MR; r++) {
                                    block.rows[r] = origin + block.offsets[r];
                                }
                                int bi = direct ? gStart + p * outChannels + panel * NR : (panel * w.patchRows() + n * plane + p) * NR;
                                VectorBlock.scratchProduct(run, shifted, block.rows, c, g, bi, bStep, block.tmp, carry);
                                carry = true;
                            }
                            VectorBlock.addBlock(part, at, width, MR, NR, block.tmp, true);
                        }
                    }
                }
            }
        });
        // A tap's row of every chunk summed in chunk order, a vector of out-channels at a time (each lane the same
        // sequence of adds as one float would take), then stored down the tap's column of dWeights.
        Parallel.forRange(taps, 16, (from, to) -> {
            float[] row = TAP_SUMS.get()[0] = VectorBlock.atLeast(TAP_SUMS.get()[0], width);
            for (int tap = from; tap < to; tap++) {
                for (int o = 0; o < width; o += L) {
                    FloatVector sum = FloatVector.fromArray(VectorBlock.S, part, tap * width + o);
                    for (int chunk = 1; chunk < chunks; chunk++) {
                        sum = sum.add(FloatVector.fromArray(VectorBlock.S, part, chunk * chunkLength + tap * width + o));
                    }
                    sum.intoArray(row, o);
                }
                for (int o = 0; o < outChannels; o++) {
                    if (tap < kernelTaps) {
                        dWeights[o * kernelTaps + tap] = row[o];
                    } else {
                        dBias[o] = row[o];
                    }
                }
            }
        });
    }

    /** dOut ({@code [pixels][outChannels]}) in panels of NR channels, {@code [panel][pixel][NR]}, zero past the last. */
    private float[] packGradient(float[] dOut, int pixels, int outChannels, int panels) {
        packedGradient = VectorBlock.atLeast(packedGradient, panels * pixels * NR);
        float[] bp = packedGradient;
        Parallel.forRange(pixels, 2048, (from, to) -> {
            for (int panel = 0; panel < panels; panel++) {
                for (int m = from; m < to; m++) {
                    int dst = (panel * pixels + m) * NR, src = m * outChannels + panel * NR;
                    int n = Math.min(NR, outChannels - panel * NR);
                    System.arraycopy(dOut, src, bp, dst, n);
                    Arrays.fill(bp, dst + n, dst + NR, 0f);
                }
            }
        });
        return bp;
    }

    /**
     * Image {@code n}, once per kernel column kx, cropped to the output width:
     * {@code shifted[kx][yp][x][c] = padded[n][yp][x * sw + kx][c]} for every padded row yp. Tap (ky, kx, c) of
     * output pixel (y, x) is then at {@code shiftedOffset(tap) + (y * sh * ow + x) * c}.
     */
    private static void shiftColumns(float[] shifted, float[] image, int n, Window2d w) {
        int h = w.height(), wd = w.width(), c = w.channels(), ow = w.outWidth(), sw = w.strideW(), ph = w.padH(), pw = w.padW();
        int hp = h + 2 * ph;
        for (int kx = 0; kx < w.kernelW(); kx++) {
            // Output columns [x0, x1) read inside the image; the rest read padding.
            int x0 = Math.min(ow, VectorBlock.ceilDiv(Math.max(0, pw - kx), sw));
            int x1 = Math.max(x0, Math.min(ow, VectorBlock.ceilDiv(wd + pw - kx, sw)));
            for (int yp = 0; yp < hp; yp++) {
                int dst = (kx * hp + yp) * ow * c, iy = yp - ph;
                if (iy < 0 || iy >= h) {
                    Arrays.fill(shifted, dst, dst + ow * c, 0f);
                    continue;
                }
                Arrays.fill(shifted, dst, dst + x0 * c, 0f);
                int src = ((n * h + iy) * wd + x0 * sw + kx - pw) * c;
                if (sw == 1) {
                    System.arraycopy(image, src, shifted, dst + x0 * c, (x1 - x0) * c);
                } else {
                    for (int x = x0; x < x1; x++) {
                        System.arraycopy(image, src + (x - x0) * sw * c, shifted, dst + x * c, c);
                    }
                }
                Arrays.fill(shifted, dst + x1 * c, dst + ow * c, 0f);
            }
        }
    }

    /** Where tap {@code (ky, kx, c)} of output pixel (0, 0) sits in {@link #shiftColumns}' copy. */
    private static int shiftedOffset(int tap, Window2d w) {
        int c = w.channels(), kernelRow = w.kernelW() * c, hp = w.height() + 2 * w.padH();
        return ((tap % kernelRow / c) * hp + tap / kernelRow) * w.outWidth() * c + tap % c;
    }

    /**
     * The forward with weights already packed in panels of NR out-channels ({@code bp[panel][tap][NR]}) and the
     * bias likewise ({@code biasPanels[panel][NR]}, null for none).
     */
    private void forwardPacked(float[] out, float[] image, float[] bp, float[] biasPanels, Window2d w, int outChannels) {
        float[] xp = pad(image, w);
        int pixels = w.patchRows(), taps = w.patchCols(), panels = VectorBlock.ceilDiv(outChannels, NR);
        int oh = w.outHeight(), ow = w.outWidth(), sh = w.strideH(), sw = w.strideW(), c = w.channels();
        int wp = w.width() + 2 * w.padW(), hp = w.height() + 2 * w.padH();
        int kernelRow = w.kernelW() * c, rowStride = wp * c;
        Parallel.forRange(VectorBlock.ceilDiv(pixels, FORWARD_TILE), 1, (from, to) -> {
            VectorBlock.Workspace block = VectorBlock.workspace();
            for (int tile = from; tile < to; tile++) {
                int tileEnd = Math.min(pixels, (tile + 1) * FORWARD_TILE);
                for (int panel = 0; panel < panels; panel++) {
                    for (int m0 = tile * FORWARD_TILE; m0 < tileEnd; m0 += MR) {
                        int rows = Math.min(MR, tileEnd - m0);
                        for (int r = 0; r < MR; r++) {
                            int m = m0 + Math.min(r, rows - 1), x = m % ow, y = m / ow % oh, n = m / (ow * oh);
                            block.rows[r] = ((n * hp + y * sh) * wp + x * sw) * c;
                        }
                        for (int ky = 0; ky < w.kernelH(); ky++) {
                            VectorBlock.scratchProduct(kernelRow, xp, block.rows, 1, bp, (panel * taps + ky * kernelRow) * NR, NR,
                                    block.tmp, ky > 0);
                            for (int r = 0; r < MR; r++) {
                                block.rows[r] += rowStride;
                            }
                        }
                        if (biasPanels != null) {
                            VectorBlock.addToRows(block.tmp, biasPanels, panel * NR);
                        }
                        VectorBlock.addBlock(out, m0 * outChannels + panel * NR, outChannels, rows,
                                Math.min(NR, outChannels - panel * NR), block.tmp, true);
                    }
                }
            }
        });
    }

    /** Where column 0 of a tap's row of B starts in the weights. */
    private interface TapStart {
        int of(int tap);
    }

    /**
     * B of a forward in panels of NR columns, {@code bp[panel][tap][NR]}, zero past the last column:
     * element (tap, column) is {@code weights[start.of(tap) + column * columnStride]}. Reuses {@code into} when it is large enough.
     */
    private static float[] packPanels(float[] into, float[] weights, int columns, int taps, TapStart start, int columnStride) {
        int panels = VectorBlock.ceilDiv(columns, NR);
        float[] bp = VectorBlock.atLeast(into, panels * taps * NR);
        Parallel.forRange(panels * taps, 256, (from, to) -> {
            for (int t = from; t < to; t++) {
                int panel = t / taps, first = start.of(t % taps);
                for (int j = 0; j < NR; j++) {
                    int column = panel * NR + j;
                    bp[t * NR + j] = column < columns ? weights[first + column * columnStride] : 0f;
                }
            }
        });
        return bp;
    }

    /** The image with {@code padH} zero rows and {@code padW} zero columns on each side, in reused scratch. */
    private float[] pad(float[] image, Window2d w) {
        int h = w.height(), wd = w.width(), c = w.channels(), ph = w.padH(), pw = w.padW();
        int hp = h + 2 * ph, wp = wd + 2 * pw, plane = hp * wp * c;
        padded = VectorBlock.atLeast(padded, w.batch() * plane);
        float[] xp = padded;
        Parallel.forRange(w.batch(), 1, (from, to) -> {
            for (int n = from; n < to; n++) {
                int base = n * plane;
                Arrays.fill(xp, base, base + ph * wp * c, 0f);
                for (int y = 0; y < h; y++) {
                    int row = base + (y + ph) * wp * c;
                    Arrays.fill(xp, row, row + pw * c, 0f);
                    System.arraycopy(image, (n * h + y) * wd * c, xp, row + pw * c, wd * c);
                    Arrays.fill(xp, row + (pw + wd) * c, row + wp * c, 0f);
                }
                Arrays.fill(xp, base + (ph + h) * wp * c, base + plane, 0f);
            }
        });
        return xp;
    }

    private static void load(float[] tmp, float[] acc, int start, int width) {
        for (int r = 0; r < MR; r++) {
            System.arraycopy(acc, start + r * width, tmp, r * NR, NR);
        }
    }

}
