package io.clnet.device.contract;

import io.clnet.device.Buffer;
import io.clnet.device.DropoutMask;
import io.clnet.device.PointwiseLoss;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static io.clnet.device.contract.DeviceFixture.assertClose;
import static io.clnet.device.contract.DeviceFixture.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Softmax, dropout, the pointwise losses and gradient clipping. */
interface TrainingOpsContract extends DeviceFixture {

    @Test
    default void softmaxMatchesReferenceAndFiniteDifferences() {
        Random rnd = new Random(50);
        for (int[] shape : new int[][] {{1, 1}, {3, 7}, {17, 10}}) {
            int rows = shape[0], cols = shape[1];
            float[] x = random(rnd, rows * cols);
            double[] want = new double[x.length];
            for (int r = 0; r < rows; r++) {
                double sum = 0;
                for (int j = 0; j < cols; j++) {
                    sum += Math.exp(x[r * cols + j]);
                }
                for (int j = 0; j < cols; j++) {
                    want[r * cols + j] = Math.exp(x[r * cols + j]) / sum;
                }
            }
            Buffer out = allocate(x.length);
            device().softmaxForward(out, upload(x), rows, cols);
            assertClose("softmax " + rows + "x" + cols, want, download(out), 1e-6, 1e-5);
            GradientCheck.check(this, "softmax backward " + rows + "x" + cols, x, x.length,
                    (o, in) -> device().softmaxForward(o, in, rows, cols),
                    (dIn, dOut, in) -> {
                        Buffer y = allocate(x.length);
                        device().softmaxForward(y, in, rows, cols);
                        device().softmaxBackward(dIn, dOut, y, rows, cols);
                    });
        }
    }

    @Test
    default void dropoutDrawsTheSameMaskOnEveryBackend() {
        int n = 20001;
        float rate = 0.3f;
        long seed = 0x1234_5678_9abcL;
        float[] x = random(new Random(51), n);
        Buffer out = allocate(n), mask = allocate(n);
        device().dropoutForward(out, mask, upload(x), n, rate, seed);
        float[] m = download(mask), y = download(out);
        int dropped = 0;
        for (int i = 0; i < n; i++) {
            assertEquals(DropoutMask.value(seed, i, rate), m[i], "mask[" + i + "]");
            assertEquals(x[i] * m[i], y[i], "out[" + i + "]");
            dropped += m[i] == 0f ? 1 : 0;
        }
        assertEquals(rate, dropped / (double) n, 0.015, "fraction dropped");
        device().dropoutForward(out, mask, upload(x), n, rate, seed + 1);
        assertTrue(!java.util.Arrays.equals(m, download(mask)), "another seed, another mask");
    }

    @Test
    default void pointwiseLossesMatchTheirFormulasAndFiniteDifferences() {
        Random rnd = new Random(52);
        int n = 301;
        for (PointwiseLoss kind : PointwiseLoss.values()) {
            float[] pred = new float[n], target = new float[n];
            for (int i = 0; i < n; i++) {
                if (kind == PointwiseLoss.BCE) {
                    pred[i] = 0.05f + 0.9f * rnd.nextFloat();
                    target[i] = rnd.nextInt(2);
                } else if (kind == PointwiseLoss.HINGE) {
                    target[i] = rnd.nextBoolean() ? 1f : -1f;
                    pred[i] = rnd.nextFloat() * 4 - 2;
                    if (Math.abs(1 - target[i] * pred[i]) < 0.05f) {
                        pred[i] += 0.2f; // off the kink
                    }
                } else {
                    pred[i] = rnd.nextFloat() * 4 - 2;
                    target[i] = rnd.nextFloat() * 4 - 2;
                    float d = pred[i] - target[i];
                    if (Math.abs(d) < 0.05f || Math.abs(Math.abs(d) - 1f) < 0.05f) {
                        pred[i] += 0.2f; // off the kinks at 0 and at Huber's delta
                    }
                }
            }
            double mean = 0;
            for (int i = 0; i < n; i++) {
                mean += reference(kind, pred[i], target[i]) / n;
            }
            Buffer targetBuffer = upload(target), loss = allocate(2), grad = allocate(n);
            device().pointwiseLoss(loss, 1, grad, upload(pred), targetBuffer, kind, 1f, n);
            assertEquals(mean, download(loss)[1], 1e-5 + 1e-5 * Math.abs(mean), kind + " mean loss");
            GradientCheck.check(this, kind + " gradient", pred, 1,
                    (o, p) -> device().pointwiseLoss(o, 0, allocate(n), p, targetBuffer, kind, 1f, n),
                    (dPred, dLoss, p) -> {
                        device().pointwiseLoss(allocate(1), 0, dPred, p, targetBuffer, kind, 1f, n);
                        device().scale(dPred, download(dLoss)[0], n);
                    });
        }
    }

    @Test
    default void clampAndScaleToMaxNormClipGradients() {
        float[] g = {3f, -4f, 0.5f, -0.25f};
        Buffer x = upload(g);
        device().clamp(x, -1f, 1f, 4);
        assertClose("clamp", new double[] {1, -1, 0.5, -0.25}, download(x), 0, 0);

        Buffer y = upload(new float[] {3f, 4f}), norms = allocate(2);
        device().sumOfSquares(norms, 1, y, 2);
        device().scaleToMaxNorm(y, 2, norms, 1, 1f);
        assertClose("scale to norm 1", new double[] {0.6, 0.8}, download(y), 1e-6, 1e-5);
        device().sumOfSquares(norms, 1, y, 2);
        device().scaleToMaxNorm(y, 2, norms, 1, 2f);
        assertClose("already within the norm", new double[] {0.6, 0.8}, download(y), 1e-6, 1e-5);
    }

    private static double reference(PointwiseLoss kind, double p, double t) {
        double d = p - t;
        switch (kind) {
            case MSE: return d * d;
            case MAE: return Math.abs(d);
            case HUBER: return Math.abs(d) <= 1 ? 0.5 * d * d : Math.abs(d) - 0.5;
            case HINGE: return Math.max(0, 1 - t * p);
            case BCE: return -(t * Math.log(p) + (1 - t) * Math.log(1 - p));
            default: throw new AssertionError(kind);
        }
    }
}
