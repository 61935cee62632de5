package io.clnet.device.contract;

import io.clnet.device.Buffer;
import io.clnet.device.Window2d;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static io.clnet.device.contract.DeviceFixture.assertClose;
import static io.clnet.device.contract.DeviceFixture.random;
import static io.clnet.device.contract.DeviceFixture.randomIntegers;
import static io.clnet.device.contract.DeviceFixture.toDouble;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The three convolution passes against im2col and GEMM done in double precision, with and without the patch
 * matrix kept between forward and weight gradient. The windows reach every path a backend may take: straight
 * from the image (32+ channels, a one-channel image, padding up to the kernel size minus one, channels across a register panel,
 * non-square kernels, more output rows than one pass of the weight gradient; a one-channel image into out-channels
 * that divide a vector, its pixels side by side in the lanes; one vector of out-channels by sixteen pixels or taps; few out-channels folded with
 * their neighbouring pixels, at stride 2, at stride (1, 2), and one out-channel folded 32 pixels wide) and the im2col fallbacks (one
 * input channel, few channels, stride 2, padding as wide as the kernel, a 1x1 kernel).
 */
interface ConvContract extends DeviceFixture {

    record Case(Window2d window, int outChannels) {
    }

    static List<Case> cases() {
        return List.of(
                new Case(Window2d.square(1, 5, 5, 8, 3, 1, 1), 5),
                new Case(Window2d.square(2, 7, 9, 16, 3, 2, 1), 33),
                new Case(new Window2d(3, 6, 5, 6, 3, 4, 1, 1, 2, 0), 17),
                new Case(Window2d.square(1, 9, 9, 4, 5, 1, 4), 9),
                new Case(Window2d.square(2, 4, 4, 20, 1, 1, 0), 7),
                new Case(Window2d.square(2, 6, 7, 1, 3, 1, 1), 8),
                new Case(Window2d.square(2, 11, 9, 1, 5, 1, 2), 32),
                new Case(new Window2d(1, 3, 3, 8, 2, 2, 1, 1, 2, 2), 3),
                new Case(Window2d.square(8, 14, 14, 16, 3, 1, 1), 40),
                new Case(new Window2d(2, 9, 10, 33, 3, 2, 1, 1, 2, 1), 35),
                new Case(Window2d.square(1, 6, 8, 32, 5, 1, 4), 32),
                new Case(new Window2d(2, 9, 11, 3, 3, 3, 2, 2, 1, 1), 6),
                new Case(new Window2d(1, 7, 13, 2, 2, 3, 1, 2, 0, 1), 12),
                new Case(Window2d.square(1, 6, 40, 2, 3, 1, 1), 1),
                // Weight gradient in chunks of images (11 is more than one chunk), strided in y or in x, 32+ out-channels.
                new Case(Window2d.square(11, 5, 6, 8, 3, 1, 1), 32),
                new Case(new Window2d(3, 17, 18, 5, 3, 2, 2, 1, 1, 0), 36),
                new Case(new Window2d(2, 8, 19, 3, 2, 3, 1, 2, 0, 1), 33),
                // A one-channel image into out-channels that divide a vector: pixels side by side in the lanes
                // (odd widths, padding 0 to kernel - 1, non-square kernels, chunks of images, 1 and 16 out-channels).
                new Case(Window2d.square(9, 7, 5, 1, 3, 1, 1), 4),
                new Case(new Window2d(1, 6, 9, 1, 2, 3, 1, 1, 0, 2), 2),
                new Case(new Window2d(2, 5, 11, 1, 5, 3, 1, 1, 4, 0), 16),
                new Case(Window2d.square(3, 4, 13, 1, 3, 1, 0), 1),
                new Case(Window2d.square(1, 1, 1, 1, 1, 1, 0), 8),
                // One vector of out-channels (16 on AVX-512): sixteen pixels or taps to a block, stride 1 or 2 in y.
                new Case(Window2d.square(3, 9, 7, 5, 3, 1, 1), 16),
                new Case(new Window2d(2, 9, 8, 3, 3, 3, 2, 1, 1, 1), 16),
                // Pixels of half a vector (8 channels on AVX-512, 4 on AVX2) under an even number of out-channels,
                // 3 wide, stride 1: backward-data by pairs of out-channels, rows in blocks of 8 pixels (simple's 14x14,
                // an odd width, a width under 8 and one of exactly 16, padding 0 to 2, a 5-high kernel, batch 1).
                new Case(Window2d.square(1, 14, 14, 8, 3, 1, 1), 16),
                new Case(new Window2d(2, 5, 13, 8, 5, 3, 1, 1, 2, 1), 6),
                new Case(new Window2d(3, 6, 5, 8, 3, 3, 1, 1, 0, 0), 2),
                new Case(new Window2d(1, 4, 16, 8, 3, 3, 1, 1, 2, 2), 4),
                new Case(Window2d.square(2, 6, 9, 4, 3, 1, 1), 8));
    }

    /** The buffer a training step keeps between forward and weight gradient, or null when the device needs none. */
    private Buffer patchesFor(Window2d w, int outChannels) {
        int length = device().convPatchLength(w, outChannels);
        return length == 0 ? null : allocate(length);
    }

    @Test
    default void convForwardMatchesIm2colTimesWeights() {
        Random rnd = new Random(30);
        for (Case c : cases()) {
            Window2d w = c.window();
            int oc = c.outChannels(), k = w.patchCols();
            float[] image = random(rnd, w.inputLength()), weights = random(rnd, oc * k), bias = random(rnd, oc);
            Buffer out = allocate(w.patchRows() * oc);
            device().convForward(out, upload(image), upload(weights), null, null, w, oc);
            float[] got = download(out);
            // Again as a training step runs it, with a bias: a device that keeps the patch matrix makes it here.
            device().fill(out, Float.NaN, w.patchRows() * oc);
            device().convForward(out, upload(image), upload(weights), upload(bias), patchesFor(w, oc), w, oc);
            float[] gotKeeping = download(out);
            device().fill(out, Float.NaN, w.patchRows() * oc);
            device().convForward(out, upload(image), upload(weights), upload(bias), null, w, oc);
            float[] gotBiased = download(out);
            double[] cols = Reference.im2col(image, w);
            double[] want = new double[w.patchRows() * oc];
            for (int r = 0; r < w.patchRows(); r++) {
                for (int o = 0; o < oc; o++) {
                    double s = 0;
                    for (int t = 0; t < k; t++) {
                        s += cols[r * k + t] * weights[o * k + t];
                    }
                    want[r * oc + o] = s;
                }
            }
            assertClose("convForward " + w + " to " + oc, want, got, 1e-5 * k, 1e-5);
            double[] wantBiased = want.clone();
            for (int i = 0; i < wantBiased.length; i++) {
                wantBiased[i] += bias[i % oc];
            }
            assertClose("convForward keeping patches, with bias " + w + " to " + oc, wantBiased, gotKeeping, 1e-5 * k, 1e-5);
            assertClose("convForward with bias " + w + " to " + oc, wantBiased, gotBiased, 1e-5 * k, 1e-5);
        }
    }

    @Test
    default void convBackwardDataIsCol2imOfGradientTimesWeights() {
        Random rnd = new Random(31);
        for (Case c : cases()) {
            Window2d w = c.window();
            int oc = c.outChannels(), k = w.patchCols();
            float[] dOut = random(rnd, w.patchRows() * oc), weights = random(rnd, oc * k);
            float[] dCols = new float[w.patchRows() * k];
            for (int r = 0; r < w.patchRows(); r++) {
                for (int t = 0; t < k; t++) {
                    double s = 0;
                    for (int o = 0; o < oc; o++) {
                        s += (double) dOut[r * oc + o] * weights[o * k + t];
                    }
                    dCols[r * k + t] = (float) s;
                }
            }
            Buffer dImage = allocate(w.inputLength());
            device().fill(dImage, Float.NaN, w.inputLength()); // overwritten, not added to
            device().convBackwardData(dImage, upload(dOut), upload(weights), w, oc);
            assertClose("convBackwardData " + w + " from " + oc, Reference.col2im(dCols, w), download(dImage), 1e-5 * oc * k, 1e-5);
        }
    }

    @Test
    default void convBackwardWeightsIsGradientTransposedTimesIm2col() {
        Random rnd = new Random(32);
        for (Case c : cases()) {
            Window2d w = c.window();
            int oc = c.outChannels(), k = w.patchCols(), rows = w.patchRows();
            float[] dOut = random(rnd, rows * oc), image = random(rnd, w.inputLength());
            double[] cols = Reference.im2col(image, w);
            double[] want = new double[oc * k];
            for (int o = 0; o < oc; o++) {
                for (int t = 0; t < k; t++) {
                    double s = 0;
                    for (int r = 0; r < rows; r++) {
                        s += dOut[r * oc + o] * cols[r * k + t];
                    }
                    want[o * k + t] = s;
                }
            }
            double[] wantBias = new double[oc];
            for (int r = 0; r < rows; r++) {
                for (int o = 0; o < oc; o++) {
                    wantBias[o] += dOut[r * oc + o];
                }
            }
            Buffer dWeights = allocate(oc * k), dBias = allocate(oc);
            device().fill(dWeights, Float.NaN, oc * k);
            device().fill(dBias, Float.NaN, oc);
            Buffer imageBuffer = upload(image);
            device().convBackwardWeights(dWeights, dBias, upload(dOut), imageBuffer, null, w, oc);
            assertClose("convBackwardWeights " + w + " from " + oc, want, download(dWeights), 1e-5 * rows, 1e-5);
            assertClose("convBackwardWeights' bias gradient " + w + " from " + oc, wantBias, download(dBias), 1e-5 * rows, 1e-5);
            // Without a bias gradient, and with the patch matrix kept by the forward, as a training step runs it.
            device().fill(dWeights, Float.NaN, oc * k);
            device().convBackwardWeights(dWeights, null, upload(dOut), imageBuffer, null, w, oc);
            assertClose("convBackwardWeights without bias " + w + " from " + oc, want, download(dWeights), 1e-5 * rows, 1e-5);
            Buffer patches = patchesFor(w, oc);
            if (patches != null) {
                device().convForward(allocate(rows * oc), imageBuffer, upload(random(rnd, oc * k)), null, patches, w, oc);
                device().fill(dWeights, Float.NaN, oc * k);
                device().convBackwardWeights(dWeights, null, upload(dOut), imageBuffer, patches, w, oc);
                assertClose("convBackwardWeights from kept patches " + w, want, download(dWeights), 1e-5 * rows, 1e-5);
            }
        }
    }

    @Test
    default void convRejectsWeightsOfTheWrongSize() {
        Window2d w = Window2d.square(1, 5, 5, 8, 3, 1, 1);
        Buffer out = allocate(w.patchRows() * 4), image = allocate(w.inputLength()), weights = allocate(4 * w.patchCols() - 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> device().convForward(out, image, weights, null, null, w, 4));
        assertTrue(e.getMessage().contains("convForward") && e.getMessage().contains("'weights' holds 287 floats but needs 288"),
                e.getMessage());
        Buffer goodWeights = allocate(4 * w.patchCols()), shortBias = allocate(3);
        IllegalArgumentException b = assertThrows(IllegalArgumentException.class,
                () -> device().convForward(out, image, goodWeights, shortBias, null, w, 4));
        assertTrue(b.getMessage().contains("convForward") && b.getMessage().contains("'bias' holds 3 floats but needs 4"), b.getMessage());
        Buffer dOut = allocate(w.patchRows() * 4);
        IllegalArgumentException g = assertThrows(IllegalArgumentException.class,
                () -> device().convBackwardWeights(goodWeights, shortBias, dOut, image, null, w, 4));
        assertTrue(g.getMessage().contains("convBackwardWeights") && g.getMessage().contains("'dBias' holds 3 floats but needs 4"),
                g.getMessage());
    }

    /**
     * The weight gradient of a convolution under a max pool, against the double-precision reference (the pool's
     * gradient to each window's first maximum, then dOut^T * im2col) and bit for bit against the two ops it fuses.
     * The convolution's output is drawn from five values, so windows hold ties. Cases: simple's first layer (a
     * one-channel image into 8 out-channels, 2x2 pools that tile it) at batch 1 and across chunks of images, 16, 4
     * and 2 out-channels, an odd output size the pool does not tile, an overlapping padded pool, and an image of
     * several channels.
     */
    @Test
    default void convBackwardWeightsThroughMaxPoolIsPoolBackwardThenWeightGradient() {
        Random rnd = new Random(33);
        float[] values = {-1f, 0f, 0f, 0.5f, 2f};
        record Fused(Window2d conv, int outChannels, int pool, int poolStride, int poolPad) {
        }
        for (Fused c : List.of(new Fused(Window2d.square(1, 6, 10, 1, 3, 1, 1), 8, 2, 2, 0),
                new Fused(Window2d.square(9, 8, 6, 1, 3, 1, 1), 8, 2, 2, 0),
                new Fused(Window2d.square(2, 4, 6, 1, 3, 1, 1), 16, 2, 2, 0),
                new Fused(new Window2d(3, 6, 8, 1, 3, 2, 1, 1, 1, 0), 4, 2, 2, 0),
                new Fused(Window2d.square(2, 4, 4, 1, 3, 1, 0), 2, 2, 2, 0),
                new Fused(Window2d.square(2, 7, 9, 1, 3, 1, 1), 8, 2, 2, 0),
                new Fused(Window2d.square(2, 7, 7, 1, 3, 1, 1), 8, 3, 2, 1),
                new Fused(Window2d.square(2, 6, 6, 3, 3, 1, 1), 8, 2, 2, 0))) {
            Window2d w = c.conv();
            int oc = c.outChannels(), k = w.patchCols(), rows = w.patchRows();
            Window2d pool = Window2d.square(w.batch(), w.outHeight(), w.outWidth(), oc, c.pool(), c.poolStride(), c.poolPad());
            float[] image = random(rnd, w.inputLength()), dPooled = random(rnd, pool.outputLength());
            float[] convOut = new float[pool.inputLength()];
            for (int i = 0; i < convOut.length; i++) {
                convOut[i] = values[rnd.nextInt(values.length)];
            }
            double[] dOut = new double[convOut.length];
            for (int n = 0; n < pool.batch(); n++) {
                for (int oy = 0; oy < pool.outHeight(); oy++) {
                    for (int ox = 0; ox < pool.outWidth(); ox++) {
                        for (int ch = 0; ch < oc; ch++) {
                            int first = -1;
                            for (int t = 0; t < c.pool() * c.pool(); t++) {
                                int i = Reference.tap(pool, n, oy, ox, t / c.pool(), t % c.pool(), ch);
                                if (i >= 0 && (first < 0 || convOut[i] > convOut[first])) {
                                    first = i;
                                }
                            }
                            dOut[first] += dPooled[((n * pool.outHeight() + oy) * pool.outWidth() + ox) * oc + ch];
                        }
                    }
                }
            }
            double[] cols = Reference.im2col(image, w), want = new double[oc * k], wantBias = new double[oc];
            for (int r = 0; r < rows; r++) {
                for (int o = 0; o < oc; o++) {
                    wantBias[o] += dOut[r * oc + o];
                    for (int t = 0; t < k; t++) {
                        want[o * k + t] += dOut[r * oc + o] * cols[r * k + t];
                    }
                }
            }
            String what = "convBackwardWeightsThroughMaxPool " + w + " to " + oc + ", pooled " + pool;
            Buffer imageBuffer = upload(image), dPooledBuffer = upload(dPooled), convOutBuffer = upload(convOut);
            Buffer dWeights = allocate(oc * k), dBias = allocate(oc);
            device().fill(dWeights, Float.NaN, oc * k);
            device().fill(dBias, Float.NaN, oc);
            device().convBackwardWeightsThroughMaxPool(dWeights, dBias, dPooledBuffer, convOutBuffer, pool, imageBuffer,
                    upload(random(rnd, oc * k)), upload(random(rnd, oc)), null, w, oc);
            float[] gotWeights = download(dWeights), gotBias = download(dBias);
            assertClose(what, want, gotWeights, 1e-5 * rows, 1e-5);
            assertClose(what + ", bias", wantBias, gotBias, 1e-5 * rows, 1e-5);
            Buffer twoOpsOut = allocate(pool.inputLength());
            device().maxPoolBackward(twoOpsOut, dPooledBuffer, convOutBuffer, pool);
            device().convBackwardWeights(dWeights, dBias, twoOpsOut, imageBuffer, null, w, oc);
            assertArrayEquals(download(dWeights), gotWeights, what + ": the two ops gave other bits");
            assertArrayEquals(download(dBias), gotBias, what + ": the two ops gave another bias gradient");
        }
    }

    @Test
    default void convBackwardWeightsThroughMaxPoolRejectsAPoolOfAnotherShape() {
        Window2d w = Window2d.square(2, 6, 6, 1, 3, 1, 1), pool = Window2d.square(2, 6, 6, 4, 2, 2, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> device().convBackwardWeightsThroughMaxPool(allocate(8 * 9), allocate(8), allocate(pool.outputLength()),
                        allocate(pool.inputLength()), pool, allocate(w.inputLength()), allocate(8 * 9), allocate(8), null, w, 8));
        assertTrue(e.getMessage().contains("the pool reads [2,6,6,4] but the convolution writes [2,6,6,8]"), e.getMessage());
        IllegalArgumentException f = assertThrows(IllegalArgumentException.class,
                () -> device().convMaxPoolForward(allocate(pool.outputLength()), null, allocate(w.inputLength()), allocate(8 * 9),
                        allocate(8), null, w, pool, 8));
        assertTrue(f.getMessage().contains("convMaxPoolForward") && f.getMessage().contains("the pool reads [2,6,6,4]"), f.getMessage());
    }

    /**
     * Convolution then max pool as one op, and its weight gradient with the convolution's output kept or (where
     * {@code convMaxPoolKeptLength} is 0) computed again: against the double-precision reference and bit for bit
     * against the separate ops. Images and weights are small integers, so the convolution's outputs are exact and
     * windows hold ties, which the recomputed output must break as the forward's did. Cases: simple's first layer at
     * batch 1 and across chunks of images, 16, 4, 2 and 1 out-channels, odd sizes the pool does not tile, an
     * overlapping padded pool, a 3-channel image, no bias; 32 and 16 out-channels, whose weight gradient routes the
     * pool's gradient from the kept output where the pool tiles it (lenet's first layer, across chunks of images).
     */
    @Test
    default void convMaxPoolForwardAndItsWeightGradientMatchTheSeparateOps() {
        Random rnd = new Random(34);
        record Fused(Window2d conv, int outChannels, int pool, int poolStride, int poolPad, boolean bias) {
        }
        for (Fused c : List.of(new Fused(Window2d.square(1, 6, 10, 1, 3, 1, 1), 8, 2, 2, 0, true),
                new Fused(Window2d.square(9, 8, 6, 1, 3, 1, 1), 8, 2, 2, 0, true),
                new Fused(Window2d.square(2, 4, 6, 1, 3, 1, 1), 16, 2, 2, 0, true),
                new Fused(new Window2d(3, 6, 8, 1, 3, 2, 1, 1, 1, 0), 4, 2, 2, 0, false),
                new Fused(Window2d.square(2, 4, 4, 1, 3, 1, 0), 2, 2, 2, 0, true),
                new Fused(Window2d.square(2, 6, 10, 1, 3, 1, 1), 1, 2, 2, 0, true),
                new Fused(Window2d.square(2, 7, 9, 1, 3, 1, 1), 8, 2, 2, 0, true),
                new Fused(Window2d.square(2, 7, 7, 1, 3, 1, 1), 8, 3, 2, 1, true),
                new Fused(Window2d.square(2, 6, 6, 3, 3, 1, 1), 8, 2, 2, 0, true),
                new Fused(Window2d.square(3, 8, 6, 1, 5, 1, 2), 32, 2, 2, 0, true),
                new Fused(Window2d.square(9, 6, 8, 3, 3, 1, 1), 32, 2, 2, 0, false),
                new Fused(Window2d.square(2, 6, 6, 4, 3, 1, 1), 16, 2, 2, 0, true),
                new Fused(Window2d.square(2, 7, 7, 3, 3, 1, 1), 32, 3, 2, 1, true))) {
            Window2d w = c.conv();
            int oc = c.outChannels(), k = w.patchCols();
            Window2d pool = Window2d.square(w.batch(), w.outHeight(), w.outWidth(), oc, c.pool(), c.poolStride(), c.poolPad());
            String what = "convMaxPoolForward " + w + " to " + oc + ", pooled " + pool;
            float[] image = randomIntegers(rnd, w.inputLength()), weights = randomIntegers(rnd, oc * k);
            float[] bias = c.bias() ? randomIntegers(rnd, oc) : null, dPooled = random(rnd, pool.outputLength());
            double[] cols = Reference.im2col(image, w);
            float[] convOut = new float[pool.inputLength()];
            for (int r = 0; r < w.patchRows(); r++) {
                for (int o = 0; o < oc; o++) {
                    double sum = bias == null ? 0 : bias[o];
                    for (int t = 0; t < k; t++) {
                        sum += cols[r * k + t] * weights[o * k + t];
                    }
                    convOut[r * oc + o] = (float) sum; // small integers: exact
                }
            }
            Buffer imageBuffer = upload(image), weightBuffer = upload(weights), biasBuffer = bias == null ? null : upload(bias);
            Buffer pooled = allocate(pool.outputLength()), keptOut = allocate(pool.inputLength());
            device().convMaxPoolForward(pooled, null, imageBuffer, weightBuffer, biasBuffer, null, w, pool, oc);
            float[] got = download(pooled);
            assertClose(what, Reference.pool(convOut, pool, true), got, 0, 0);
            device().convMaxPoolForward(pooled, keptOut, imageBuffer, weightBuffer, biasBuffer, null, w, pool, oc);
            assertArrayEquals(got, download(pooled), what + ": another result with the convolution's output kept");
            assertClose(what + ", the kept output", toDouble(convOut), download(keptOut), 0, 0);

            int kept = device().convMaxPoolKeptLength(w, pool, oc);
            assertTrue(kept == 0 || kept == pool.inputLength(), what + ": kept length " + kept);
            Buffer dPooledBuffer = upload(dPooled), dWeights = allocate(oc * k), dBias = allocate(oc);
            device().fill(dWeights, Float.NaN, oc * k);
            device().convBackwardWeightsThroughMaxPool(dWeights, dBias, dPooledBuffer, kept == 0 ? null : keptOut, pool, imageBuffer,
                    weightBuffer, biasBuffer, null, w, oc);
            float[] gotWeights = download(dWeights), gotBias = download(dBias);
            Buffer dOut = allocate(pool.inputLength()), twoOpsWeights = allocate(oc * k), twoOpsBias = allocate(oc);
            device().maxPoolBackward(dOut, dPooledBuffer, keptOut, pool);
            device().convBackwardWeights(twoOpsWeights, twoOpsBias, dOut, imageBuffer, null, w, oc);
            assertArrayEquals(download(twoOpsWeights), gotWeights, what + ", kept " + kept + ": the two ops gave other weight gradients");
            assertArrayEquals(download(twoOpsBias), gotBias, what + ", kept " + kept + ": the two ops gave another bias gradient");
            double[] want = new double[oc * k], wantBias = new double[oc];
            float[] routed = download(dOut);
            for (int r = 0; r < w.patchRows(); r++) {
                for (int o = 0; o < oc; o++) {
                    wantBias[o] += routed[r * oc + o];
                    for (int t = 0; t < k; t++) {
                        want[o * k + t] += routed[r * oc + o] * cols[r * k + t];
                    }
                }
            }
            assertClose(what + ", weight gradient", want, gotWeights, 1e-5 * w.patchRows(), 1e-5);
            assertClose(what + ", bias gradient", wantBias, gotBias, 1e-5 * w.patchRows(), 1e-5);
            assertTrue(Arrays.stream(toDouble(gotWeights)).anyMatch(v -> v != 0), what + ": an all-zero weight gradient");
        }
    }

    @Test
    default void convBackwardWeightsThroughMaxPoolNeedsTheOutputWhereTheDeviceKeepsIt() {
        Window2d w = Window2d.square(2, 6, 6, 3, 3, 1, 1), pool = Window2d.square(2, 6, 6, 8, 2, 2, 0);
        int kept = device().convMaxPoolKeptLength(w, pool, 8);
        assertTrue(kept == pool.inputLength(), "a 3-channel image: kept length " + kept);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> device().convBackwardWeightsThroughMaxPool(allocate(8 * 27), allocate(8), allocate(pool.outputLength()), null, pool,
                        allocate(w.inputLength()), allocate(8 * 27), allocate(8), null, w, 8));
        assertTrue(e.getMessage().contains("convOut is null, but this device needs the convolution's output kept"), e.getMessage());
    }
}
