package io.clnet.device.contract;

import io.clnet.device.Activation;
import io.clnet.device.Buffer;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static io.clnet.device.contract.DeviceFixture.assertClose;
import static io.clnet.device.contract.DeviceFixture.random;
import static io.clnet.device.contract.DeviceFixture.toDouble;

/** Activations (forward against the reference, backward by finite differences), elementwise ops and bias. */
interface PointwiseContract extends DeviceFixture {

    @Test
    default void activationsMatchReferenceAndFiniteDifferences() {
        Random rnd = new Random(20);
        for (Activation act : Activation.values()) {
            for (float alpha : new float[] {0.1f, 1.5f}) {
                float[] x = random(rnd, 257);
                for (int i = 0; i < x.length; i++) {
                    x[i] *= 4;
                    if (Math.abs(x[i]) < 0.05f) {
                        x[i] += 0.1f; // keep finite differences off the kink at 0
                    }
                }
                double[] want = new double[x.length];
                for (int i = 0; i < x.length; i++) {
                    want[i] = Reference.activation(act.name(), x[i], alpha);
                }
                Buffer out = allocate(x.length);
                device().activationForward(out, upload(x), act, alpha, x.length);
                assertClose(act + " forward alpha=" + alpha, want, download(out), 1e-5, 1e-5);
                GradientCheck.check(this, act + " backward alpha=" + alpha, x, x.length,
                        (o, in) -> device().activationForward(o, in, act, alpha, x.length),
                        (dIn, dOut, in) -> device().activationBackward(dIn, dOut, in, act, alpha, x.length));
            }
        }
    }

    @Test
    default void activationMayWorkInPlace() {
        float[] x = {-2f, -0.5f, 0.5f, 2f};
        Buffer b = upload(x);
        device().activationForward(b, b, Activation.RELU, 0f, 4);
        assertClose("in-place relu", new double[] {0, 0, 0.5, 2}, download(b), 0, 0);
    }

    /** ReLU's edges, over a length that leaves a remainder after whole vectors: NaN and both zeros give +0, the largest floats pass or vanish. */
    @Test
    default void reluSendsNanAndZerosToZero() {
        float[] edges = {Float.NaN, -0f, 0f, Float.MAX_VALUE, -Float.MAX_VALUE, -3f, 3f};
        int n = 37;
        float[] x = new float[n], dOut = new float[n];
        double[] want = new double[n], wantGrad = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = edges[i % edges.length];
            dOut[i] = i + 1;
            want[i] = x[i] > 0 ? x[i] : 0;
            wantGrad[i] = x[i] > 0 ? dOut[i] : 0;
        }
        Buffer out = allocate(n), dIn = allocate(n);
        device().activationForward(out, upload(x), Activation.RELU, 0f, n);
        float[] got = download(out);
        assertClose("relu of edges", want, got, 0, 0);
        for (int i = 0; i < n; i++) {
            assertEquals(0, Float.floatToRawIntBits(got[i]) & 0x80000000, "relu(" + x[i] + ") has a sign bit");
        }
        device().activationBackward(dIn, upload(dOut), upload(x), Activation.RELU, 0f, n);
        assertClose("relu backward of edges", wantGrad, download(dIn), 0, 0);
    }

    @Test
    default void elementwiseOpsMatchDefinitions() {
        Random rnd = new Random(21);
        int n = 1001;
        float[] a = random(rnd, n), b = random(rnd, n);
        double[] sum = new double[n], product = new double[n], axpy = new double[n], scaled = new double[n];
        for (int i = 0; i < n; i++) {
            sum[i] = (double) a[i] + b[i];
            product[i] = (double) a[i] * b[i];
            axpy[i] = b[i] + 0.75 * a[i];
            scaled[i] = -3.0 * a[i];
        }
        Buffer ab = upload(a), bb = upload(b), out = allocate(n);
        device().add(out, ab, bb, n);
        assertClose("add", sum, download(out), 1e-6, 1e-6);
        device().mul(out, ab, bb, n);
        assertClose("mul", product, download(out), 1e-6, 1e-6);
        device().axpy(bb, 0.75f, ab, n);
        assertClose("axpy", axpy, download(bb), 1e-6, 1e-6);
        device().scale(ab, -3f, n);
        assertClose("scale", scaled, download(ab), 1e-6, 1e-6);
        device().fill(out, 2.5f, n);
        double[] filled = new double[n];
        java.util.Arrays.fill(filled, 2.5);
        assertClose("fill", filled, download(out), 0, 0);
    }

    @Test
    default void copyAndCopy2dMoveExactlyTheirRanges() {
        float[] src = new float[30], dst = new float[40];
        for (int i = 0; i < src.length; i++) {
            src[i] = i + 1;
            dst[i] = -1;
        }
        java.util.Arrays.fill(dst, -1f);
        Buffer s = upload(src), d = upload(dst);
        device().copy(d, 5, s, 3, 10);
        double[] want = toDouble(dst);
        for (int i = 0; i < 10; i++) {
            want[5 + i] = src[3 + i];
        }
        assertClose("copy", want, download(d), 0, 0);
        // 3 rows of 4 columns from a 6-wide matrix at offset 1 into an 8-wide one at offset 2
        device().copy2d(d, 2, 8, s, 1, 6, 3, 4);
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) {
                want[2 + r * 8 + c] = src[1 + r * 6 + c];
            }
        }
        assertClose("copy2d", want, download(d), 0, 0);
    }

    @Test
    default void biasAddAndBiasGradMatchDefinitions() {
        Random rnd = new Random(22);
        for (int[] shape : new int[][] {{1, 1}, {1, 7}, {300, 3}, {1027, 10}}) {
            int rows = shape[0], channels = shape[1];
            float[] x = random(rnd, rows * channels), bias = random(rnd, channels);
            double[] added = new double[x.length], grad = new double[channels];
            for (int i = 0; i < x.length; i++) {
                added[i] = x[i] + (double) bias[i % channels];
                grad[i % channels] += x[i];
            }
            Buffer xb = upload(x), db = allocate(channels);
            device().biasGrad(db, xb, rows, channels);
            assertClose("bias grad " + rows + "x" + channels, grad, download(db), 1e-5, 1e-5);
            device().biasAdd(xb, upload(bias), rows, channels);
            assertClose("bias add " + rows + "x" + channels, added, download(xb), 1e-6, 1e-6);
        }
    }
}
