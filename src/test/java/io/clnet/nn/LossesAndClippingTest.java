package io.clnet.nn;

import io.clnet.device.Activation;
import io.clnet.device.Device;
import io.clnet.device.OpenClTestDevice;
import io.clnet.device.PointwiseLoss;
import io.clnet.device.cpu.CpuDevice;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The losses, dropout and softmax inside a graph: a sum of every loss (so each is scaled by an upstream
 * gradient that is not 1) differentiated by finite differences on each backend; and gradient clipping.
 */
class LossesAndClippingTest {
    private static final int N = 3, IN = 5, OUT = 4;

    /** loss = CE(dense(dropout(x))) + sum of every pointwise loss on heads of the same logits. */
    private static float lossOf(Device d, float[] x, float[] w, List<float[]> gradsOut) {
        Tensor weight = Tensor.parameter(d, "w", w, OUT, IN);
        Tensor bias = Tensor.parameter(d, "b", new float[OUT], OUT);
        try (Tape tape = new Tape(d)) {
            Tensor input = tape.variable(x, N, IN);
            Tensor labels = tape.input(new float[] {0, 3, 1}, N);
            Tensor logits = Conv.dense(Pointwise.dropout(input, 0.4f, 99), weight, bias);
            Tensor probs = Pointwise.softmax(logits);
            Tensor sigmoid = Pointwise.activation(logits, Activation.SIGMOID, 0f);
            float[] regression = new float[N * OUT], binary = new float[N * OUT], signs = new float[N * OUT];
            for (int i = 0; i < N * OUT; i++) {
                regression[i] = (i % 5) * 0.4f - 0.8f;
                binary[i] = i % 2;
                signs[i] = i % 3 == 0 ? 1f : -1f;
            }
            Tensor target = tape.input(regression, N, OUT);
            Tensor loss = Losses.softmaxCrossEntropy(logits, labels);
            loss = Pointwise.add(loss, Losses.mse(probs, target));
            loss = Pointwise.add(loss, Losses.mae(logits, target));
            loss = Pointwise.add(loss, Losses.huber(logits, target, 0.5f));
            loss = Pointwise.add(loss, Losses.hinge(logits, tape.input(signs, N, OUT)));
            loss = Pointwise.add(loss, Losses.binaryCrossEntropy(sigmoid, tape.input(binary, N, OUT)));
            float value = loss.toHost()[0];
            if (gradsOut != null) {
                loss.backward();
                gradsOut.add(input.gradToHost());
                gradsOut.add(weight.gradToHost());
            }
            return value;
        } finally {
            weight.release();
            bias.release();
        }
    }

    private static void check(Device d) {
        Random r = new Random(8);
        float[] x = new float[N * IN], w = new float[OUT * IN];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat() * 2 - 1;
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = r.nextFloat() - 0.5f;
        }
        List<float[]> grads = new ArrayList<>();
        lossOf(d, x, w, grads);
        float h = 1e-3f;
        float[][] targets = {x, w};
        for (int which = 0; which < 2; which++) {
            float[] v = targets[which];
            for (int i = 0; i < v.length; i++) {
                float saved = v[i];
                v[i] = saved + h;
                double plus = lossOf(d, x, w, null);
                v[i] = saved - h;
                double minus = lossOf(d, x, w, null);
                v[i] = saved;
                double numeric = (plus - minus) / (2 * h);
                float analytic = grads.get(which)[i];
                if (!(Math.abs(analytic - numeric) <= 5e-3 + 2e-2 * Math.abs(numeric))) {
                    fail((which == 0 ? "input" : "weight") + "[" + i + "] on " + d.info().id() + ": backward " + analytic
                            + ", finite differences " + numeric);
                }
            }
        }
        assertEquals(0, d.liveBuffers());
    }


    @Test
    void everyLossDropoutAndSoftmaxBackpropagateOnCpuAndOpenCl() {
        try (CpuDevice cpu = new CpuDevice(true)) {
            check(cpu);
        }
        check(OpenClTestDevice.get());
    }

    @Test
    void clippingByValueAndByGlobalNorm() {
        try (CpuDevice d = new CpuDevice(false)) {
            Tensor a = Tensor.parameter(d, "a", new float[] {0, 0}, 2);
            Tensor b = Tensor.parameter(d, "b", new float[] {0}, 1);
            try (Tape tape = new Tape(d)) {
                // mean((a - (2, -4))^2) + (b - 2)^2 has gradients (-2, 4) and (-4) at a = b = 0
                Tensor loss = Pointwise.add(Losses.pointwise(a, tape.input(new float[] {2, -4}, 2), PointwiseLoss.MSE, 0f),
                        Losses.mse(b, tape.input(new float[] {2}, 1)));
                loss.backward();
                assertEquals("[-2.0, 4.0]", java.util.Arrays.toString(a.gradToHost()));
                GradientClipping.byGlobalNorm(List.of(a, b), 3f); // norm sqrt(4+16+16) = 6 -> halve
                assertEquals("[-1.0, 2.0]", java.util.Arrays.toString(a.gradToHost()));
                assertEquals("[-2.0]", java.util.Arrays.toString(b.gradToHost()));
                GradientClipping.byValue(List.of(a, b), 1.5f);
                assertEquals("[-1.0, 1.5]", java.util.Arrays.toString(a.gradToHost()));
                assertEquals("[-1.5]", java.util.Arrays.toString(b.gradToHost()));
            }
            a.release();
            b.release();
            assertEquals(0, d.liveBuffers());
        }
    }
}
