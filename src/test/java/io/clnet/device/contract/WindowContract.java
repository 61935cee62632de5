package io.clnet.device.contract;

import io.clnet.device.Buffer;
import io.clnet.device.Window2d;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static io.clnet.device.contract.DeviceFixture.assertClose;
import static io.clnet.device.contract.DeviceFixture.random;
import static io.clnet.device.contract.DeviceFixture.toDouble;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** im2col/col2im and pooling on awkward windows: batch 1, odd sizes, stride 2, padding, non-square kernels, 1x1. */
interface WindowContract extends DeviceFixture {

    static List<Window2d> windows() {
        return List.of(
                Window2d.square(1, 5, 5, 1, 3, 1, 1),
                Window2d.square(2, 7, 9, 3, 3, 2, 1),
                new Window2d(3, 6, 5, 2, 3, 2, 2, 1, 1, 0),
                new Window2d(1, 8, 7, 4, 2, 3, 2, 3, 1, 1),
                Window2d.square(2, 4, 4, 5, 1, 1, 0),
                Window2d.square(1, 9, 9, 2, 5, 2, 2),
                new Window2d(2, 5, 6, 3, 4, 2, 1, 2, 0, 1),
                new Window2d(2, 6, 9, 3, 2, 3, 2, 3, 0, 0), // tiles the image: kernel = stride, no padding
                Window2d.square(1, 5, 5, 2, 2, 2, 0)); // as much, but a row and a column left over
    }

    @Test
    default void im2colMatchesReferenceExactly() {
        Random rnd = new Random(10);
        for (Window2d w : windows()) {
            float[] image = random(rnd, w.inputLength());
            Buffer cols = allocate(w.patchRows() * w.patchCols());
            device().im2col(cols, upload(image), w);
            assertClose("im2col " + w, Reference.im2col(image, w), download(cols), 0, 0);
        }
    }

    @Test
    default void col2imMatchesReferenceAndIsTheAdjointOfIm2col() {
        Random rnd = new Random(11);
        for (Window2d w : windows()) {
            float[] cols = random(rnd, w.patchRows() * w.patchCols());
            float[] image = random(rnd, w.inputLength());
            Buffer out = allocate(w.inputLength());
            device().col2im(out, upload(cols), w);
            float[] got = download(out);
            assertClose("col2im " + w, Reference.col2im(cols, w), got, 1e-5, 1e-5);
            // <im2col(x), y> == <x, col2im(y)>
            Buffer unfolded = allocate(cols.length);
            device().im2col(unfolded, upload(image), w);
            assertEquals(dot(download(unfolded), cols), dot(image, got), 1e-3, "adjoint identity " + w);
        }
    }

    @Test
    default void poolingForwardMatchesReference() {
        Random rnd = new Random(12);
        for (Window2d w : windows()) {
            if (w.padH() >= w.kernelH() || w.padW() >= w.kernelW()) {
                continue;
            }
            float[] in = random(rnd, w.inputLength());
            Buffer out = allocate(w.outputLength());
            device().maxPoolForward(out, upload(in), w);
            assertClose("max pool " + w, Reference.pool(in, w, true), download(out), 0, 0);
            device().avgPoolForward(out, upload(in), w);
            assertClose("avg pool " + w, Reference.pool(in, w, false), download(out), 1e-6, 1e-5);
        }
    }

    @Test
    default void poolingBackwardMatchesFiniteDifferences() {
        for (Window2d w : windows()) {
            if (w.padH() >= w.kernelH() || w.padW() >= w.kernelW()) {
                continue;
            }
            float[] in = distinctValues(w.inputLength(), w.inputLength());
            GradientCheck.check(this, "max pool backward " + w, in, w.outputLength(),
                    (out, x) -> device().maxPoolForward(out, x, w), (dIn, dOut, x) -> device().maxPoolBackward(dIn, dOut, x, w));
            GradientCheck.check(this, "avg pool backward " + w, in, w.outputLength(),
                    (out, x) -> device().avgPoolForward(out, x, w), (dIn, dOut, x) -> device().avgPoolBackward(dIn, dOut, w));
        }
    }

    @Test
    default void maxPoolBackwardSendsTiesToTheFirstMaximumOnly() {
        Window2d w = Window2d.square(1, 2, 2, 1, 2, 2, 0);
        Buffer dIn = allocate(4);
        device().maxPoolBackward(dIn, upload(new float[] {3f}), upload(new float[] {1f, 5f, 5f, 0f}), w);
        assertClose("tie", new double[] {0, 3, 0, 0}, download(dIn), 0, 0);
        // Two channels, channels last: channel 0 ties on all four taps (the first wins), channel 1 on the last two.
        Window2d two = Window2d.square(1, 2, 2, 2, 2, 2, 0);
        Buffer dIn2 = allocate(8);
        device().maxPoolBackward(dIn2, upload(new float[] {3f, -2f}), upload(new float[] {7f, 1f, 7f, 0f, 7f, 4f, 7f, 4f}), two);
        assertClose("ties per channel", new double[] {3, 0, 0, 0, 0, -2, 0, 0}, download(dIn2), 0, 0);
        // Overlapping 3x3 stride-1 windows on a constant image: each window sends its gradient to its first tap.
        Window2d overlap = Window2d.square(1, 3, 3, 1, 2, 1, 0);
        Buffer dIn3 = allocate(9);
        device().maxPoolBackward(dIn3, upload(new float[] {1f, 2f, 3f, 4f}), upload(new float[9]), overlap);
        assertClose("ties in overlapping windows", new double[] {1, 2, 0, 3, 4, 0, 0, 0, 0}, download(dIn3), 0, 0);
    }

    /**
     * 2x2 stride-2 pooling, which backends run on special paths: channel counts below, at and across a vector's
     * width, an odd and an even output width, and many ties (values drawn from five), each of which must send the gradient
     * to the window's first maximum, row by row.
     */
    @Test
    default void maxPool2x2FollowsTheFirstMaximumRuleOnEveryChannelCount() {
        Random rnd = new Random(14);
        float[] values = {-1f, 0f, 0f, 1f, 2f};
        for (int channels : new int[] {1, 3, 4, 8, 16, 24, 32, 48, -8}) {
            // -8: eight channels again, at an even output width, so a pair of windows ends the whole tensor
            Window2d w = new Window2d(2, 4, channels < 0 ? 8 : 10, Math.abs(channels), 2, 2, 2, 2, 0, 0);
            channels = Math.abs(channels);
            float[] in = new float[w.inputLength()];
            for (int i = 0; i < in.length; i++) {
                in[i] = values[rnd.nextInt(values.length)];
            }
            float[] dOut = random(rnd, w.outputLength());
            double[] wantOut = new double[w.outputLength()], wantDIn = new double[w.inputLength()];
            for (int n = 0; n < w.batch(); n++) {
                for (int oy = 0; oy < w.outHeight(); oy++) {
                    for (int ox = 0; ox < w.outWidth(); ox++) {
                        for (int c = 0; c < channels; c++) {
                            int o = ((n * w.outHeight() + oy) * w.outWidth() + ox) * channels + c;
                            int[] taps = new int[4];
                            for (int t = 0; t < 4; t++) {
                                taps[t] = ((n * w.height() + 2 * oy + t / 2) * w.width() + 2 * ox + t % 2) * channels + c;
                            }
                            float max = Math.max(Math.max(in[taps[0]], in[taps[1]]), Math.max(in[taps[2]], in[taps[3]]));
                            int first = 0;
                            while (in[taps[first]] != max) {
                                first++;
                            }
                            wantOut[o] = max;
                            wantDIn[taps[first]] = dOut[o];
                        }
                    }
                }
            }
            Buffer out = allocate(w.outputLength()), dIn = allocate(w.inputLength());
            device().maxPoolForward(out, upload(in), w);
            assertClose("max pool 2x2 " + w, wantOut, download(out), 0, 0);
            device().maxPoolBackward(dIn, upload(dOut), upload(in), w);
            assertClose("max pool 2x2 backward " + w, wantDIn, download(dIn), 0, 0);
        }
    }

    @Test
    default void globalAveragePoolingMatchesReferenceAndFiniteDifferences() {
        Random rnd = new Random(13);
        int batch = 3, pixels = 7, channels = 5;
        float[] in = random(rnd, batch * pixels * channels);
        double[] want = new double[batch * channels];
        for (int i = 0; i < in.length; i++) {
            want[i / (pixels * channels) * channels + i % channels] += in[i] / (double) pixels;
        }
        Buffer out = allocate(batch * channels);
        device().globalAvgPoolForward(out, upload(in), batch, pixels, channels);
        assertClose("global avg pool", want, download(out), 1e-6, 1e-5);
        GradientCheck.check(this, "global avg pool backward", in, batch * channels,
                (o, x) -> device().globalAvgPoolForward(o, x, batch, pixels, channels),
                (dIn, dOut, x) -> device().globalAvgPoolBackward(dIn, dOut, batch, pixels, channels));
    }

    /** A shuffled ramp 0.1 apart: every window has a clear maximum that a step of 1e-2 cannot change. */
    static float[] distinctValues(int length, long seed) {
        List<Float> values = new ArrayList<>();
        for (int i = 0; i < length; i++) {
            values.add((i - length / 2) * 0.1f);
        }
        Collections.shuffle(values, new Random(seed));
        float[] x = new float[length];
        for (int i = 0; i < length; i++) {
            x[i] = values.get(i);
        }
        return x;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }
}
