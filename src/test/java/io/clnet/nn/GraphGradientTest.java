package io.clnet.nn;

import io.clnet.device.Activation;
import io.clnet.device.Device;
import io.clnet.device.OpenClTestDevice;
import io.clnet.device.cpu.CpuDevice;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Automatic backward through a DAG that uses every op (conv with stride and padding, a 1x1 conv, max and
 * average pooling, an activation, a residual add, channel concatenation, reshape, dense, softmax-CE):
 * the gradient of every parameter and of the input against central finite differences, on each backend,
 * and the two backends against each other.
 */
class GraphGradientTest {
    private static final int N = 2, H = 6, W = 5, C = 3, CLASSES = 4;

    /** Parameter values, by position: conv w/b, 1x1 conv w/b, dense w/b. */
    private static List<float[]> initialParams(Random r) {
        List<float[]> p = new ArrayList<>();
        p.add(random(r, 4 * 3 * 3 * C, 0.4f));
        p.add(random(r, 4, 0.1f));
        p.add(random(r, 5 * 1 * 1 * 8, 0.4f));
        p.add(random(r, 5, 0.1f));
        p.add(random(r, CLASSES * 30, 0.3f));
        p.add(random(r, CLASSES, 0.1f));
        return p;
    }

    private static final int[][] SHAPES = {{4, 3, 3, C}, {4}, {5, 1, 1, 8}, {5}, {CLASSES, 30}, {CLASSES}};

    /** The graph: returns the loss, and the parameter and input gradients when {@code grads} is not null. */
    private static float lossOf(Device d, float[] input, float[] labels, List<float[]> values, List<float[]> grads) {
        List<Tensor> params = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            params.add(Tensor.parameter(d, "p" + i, values.get(i), SHAPES[i]));
        }
        try (Tape tape = new Tape(d)) {
            Tensor x = tape.variable(input, N, H, W, C);
            Tensor y = tape.input(labels, N);
            Tensor h = Pointwise.activation(Conv.conv2d(x, params.get(0), params.get(1), 1, 1, 1, 1), Activation.TANH, 0f);
            Tensor max = Pointwise.maxPool2d(h, 2, 2, 2, 2, 0, 0);                    // [2,3,2,4]
            Tensor avg = Pointwise.avgPool2d(h, 3, 2, 2, 2, 1, 0);                    // [2,3,2,4]
            Tensor joined = Pointwise.concatChannels(Pointwise.add(max, avg), max);    // [2,3,2,8]
            Tensor mixed = Conv.conv2d(joined, params.get(2), params.get(3), 1, 1, 0, 0); // 1x1: [2,3,2,5]
            Tensor logits = Conv.dense(mixed.reshape(N, 30), params.get(4), params.get(5));
            Tensor loss = Losses.softmaxCrossEntropy(logits, y);
            float value = loss.toHost()[0];
            if (grads != null) {
                loss.backward();
                for (Tensor p : params) {
                    grads.add(p.gradToHost());
                }
                grads.add(x.gradToHost());
            }
            return value;
        } finally {
            params.forEach(Tensor::release);
        }
    }

    private static List<float[]> checkAgainstFiniteDifferences(Device d) {
        Random r = new Random(5);
        float[] input = random(r, N * H * W * C, 1f);
        float[] labels = {1, 3};
        List<float[]> values = initialParams(r);
        List<float[]> grads = new ArrayList<>();
        lossOf(d, input, labels, values, grads);
        float h = 1e-2f;
        for (int which = 0; which <= values.size(); which++) {
            float[] target = which < values.size() ? values.get(which) : input;
            float[] grad = grads.get(which);
            for (int t = 0; t < 6; t++) {
                int i = r.nextInt(target.length);
                float saved = target[i];
                target[i] = saved + h;
                double plus = lossOf(d, input, labels, values, null);
                target[i] = saved - h;
                double minus = lossOf(d, input, labels, values, null);
                target[i] = saved;
                double numeric = (plus - minus) / (2 * h);
                if (!(Math.abs(grad[i] - numeric) <= 2e-3 + 5e-2 * Math.abs(numeric))) {
                    fail((which < values.size() ? "parameter " + which : "input") + "[" + i + "] on " + d.info().id()
                            + ": backward " + grad[i] + ", finite differences " + numeric);
                }
            }
        }
        assertEquals(0, d.liveBuffers(), "every buffer of the step went back to the pool");
        return grads;
    }

    @Test
    void gradientsOfADagMatchFiniteDifferencesOnCpuAndOpenClAndEachOther() {
        List<float[]> cpuGrads;
        try (CpuDevice cpu = new CpuDevice(true)) {
            cpuGrads = checkAgainstFiniteDifferences(cpu);
        }
        List<float[]> clGrads = checkAgainstFiniteDifferences(OpenClTestDevice.get());
        for (int g = 0; g < cpuGrads.size(); g++) {
            for (int i = 0; i < cpuGrads.get(g).length; i++) {
                float a = cpuGrads.get(g)[i], b = clGrads.get(g)[i];
                assertTrue(Math.abs(a - b) <= 1e-5 + 1e-4 * Math.abs(a), "gradient " + g + "[" + i + "]: cpu " + a + " vs opencl " + b);
            }
        }
    }

    @Test
    void aTensorUsedTwiceCollectsBothGradients() {
        try (CpuDevice d = new CpuDevice(false); Tape tape = new Tape(d)) {
            Tensor x = tape.variable(new float[] {1, -2, 3}, 3);
            Tensor twice = Pointwise.add(x, x);
            Tensor y = tape.input(new float[] {0}, 1);
            Tensor w = Tensor.parameter(d, "w", new float[] {1, 1, 1}, 1, 3);
            Tensor b = Tensor.parameter(d, "b", new float[] {0}, 1);
            // loss = CE over one class of logits [1,1]: its gradient is 0, so use a dense to 2 classes instead
            Tensor w2 = Tensor.parameter(d, "w2", new float[] {1, 0, 0, 0, 0, 0}, 2, 3);
            Tensor b2 = Tensor.parameter(d, "b2", new float[] {0, 0}, 2);
            Tensor loss = Losses.softmaxCrossEntropy(Conv.dense(twice.reshape(1, 3), w2, b2), y);
            loss.backward();
            float[] g = x.gradToHost();
            // d loss / d logit0 = p0 - 1, logit0 = 2*x0, so d/dx0 = 2*(p0 - 1); x1, x2 do not reach logit0 or logit1
            double p0 = 1 / (1 + Math.exp(-2.0));
            assertEquals(2 * (p0 - 1), g[0], 1e-5);
            assertEquals(0, g[1], 1e-7);
            w.release();
            b.release();
            w2.release();
            b2.release();
        }
    }

    private static float[] random(Random r, int n, float scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (r.nextFloat() * 2 - 1) * scale;
        }
        return x;
    }
}
