package io.clnet.nn;

import io.clnet.device.cpu.CpuDevice;
import io.clnet.nn.layers.ActivationLayer;
import io.clnet.nn.layers.Conv2d;
import io.clnet.nn.layers.Dense;
import io.clnet.nn.layers.Flatten;
import io.clnet.nn.layers.Layer;
import io.clnet.nn.layers.Pool2d;
import io.clnet.train.Models;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SequentialTest {

    @Test
    void aLayerThatDoesNotFitFailsWhenTheModelIsMadeNamingItAndBothShapes() {
        IllegalArgumentException channels = assertThrows(IllegalArgumentException.class,
                () -> new Sequential(new int[] {28, 28, 1}, new Conv2d(3, 8, 3, 1, 1)));
        assertEquals("layer 1 (conv2d 3->8 3x3 stride 1 pad 1) does not fit: conv2d 3->8 3x3 stride 1 pad 1: expects 3 input "
                + "channels, got [28, 28, 1]", channels.getMessage());

        IllegalArgumentException dense = assertThrows(IllegalArgumentException.class,
                () -> new Sequential(new int[] {28, 28, 1}, new Conv2d(1, 8, 3, 1, 1), Pool2d.max(2), new Dense(1568, 10)));
        assertTrue(dense.getMessage().startsWith("layer 3 (dense 1568->10) does not fit: dense 1568->10: expects input [1568], got "
                + "[14, 14, 8] (add a Flatten before it)"), dense.getMessage());

        IllegalArgumentException window = assertThrows(IllegalArgumentException.class,
                () -> new Sequential(new int[] {4, 4, 1}, new Conv2d(1, 2, 5, 1, 0)));
        assertTrue(window.getMessage().contains("window does not fit input [4, 4, 1]"), window.getMessage());
    }

    @Test
    void reluBeforeMaxPoolRunsAfterItWithTheSameOutputAndGradients() {
        try (CpuDevice d = new CpuDevice()) {
            int[] input = {9, 9, 2};
            // Sequential swaps ReLU and max pooling; GraphModel runs the layers as written.
            Sequential swapped = new Sequential(input, new Conv2d(2, 5, 3, 1, 1), ActivationLayer.relu(), Pool2d.max(2),
                    new Flatten(), new Dense(80, 3)).build(d, 9);
            GraphModel.Builder g = new GraphModel.Builder(input);
            GraphModel.Node h = g.apply(Pool2d.max(2), g.apply(ActivationLayer.relu(), g.apply(new Conv2d(2, 5, 3, 1, 1), g.input())));
            GraphModel asWritten = g.output(g.apply(new Dense(80, 3), g.apply(new Flatten(), h))).build(d, 9);
            // A negative conv bias makes many windows all-negative: the case where the two orders' gradient
            // routes differ (first tap vs none) before ReLU's zero derivative stops both.
            for (Model m : new Model[] {swapped, asWritten}) {
                m.parameters().get(1).load(new float[] {-1f, -1f, -1f, -1f, -1f});
            }
            java.util.Random r = new java.util.Random(4);
            float[] x = new float[3 * 81 * 2];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextGaussian();
            }
            float[][] outputs = new float[2][], inputGrads = new float[2][];
            java.util.List<float[]> paramGrads = new java.util.ArrayList<>();
            Model[] models = {swapped, asWritten};
            for (int m = 0; m < 2; m++) {
                try (Tape tape = new Tape(d)) {
                    Tensor in = tape.variable(x, 3, 9, 9, 2);
                    Tensor logits = models[m].forward(in, true);
                    Losses.softmaxCrossEntropy(logits, tape.input(new float[] {0, 2, 1}, 3)).backward();
                    outputs[m] = logits.toHost();
                    inputGrads[m] = in.gradToHost();
                    for (Tensor p : models[m].parameters()) {
                        paramGrads.add(p.gradToHost());
                        p.clearGrad();
                    }
                }
            }
            org.junit.jupiter.api.Assertions.assertArrayEquals(outputs[1], outputs[0]);
            org.junit.jupiter.api.Assertions.assertArrayEquals(inputGrads[1], inputGrads[0]);
            int n = swapped.parameters().size();
            for (int i = 0; i < n; i++) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(paramGrads.get(n + i), paramGrads.get(i), "parameter " + i);
            }
            int zeroFeatures = 0;
            for (float v : paramGrads.get(2)) { // dense weights: a zero column for each pooled feature that is 0
                zeroFeatures += v == 0f ? 1 : 0;
            }
            assertTrue(zeroFeatures > 0, "some windows have no positive value");
            swapped.release();
            asWritten.release();
        }
    }

    /**
     * Convolution then max pooling runs as one op ({@link Conv#conv2dMaxPool}); a first layer's weight gradient then
     * comes through {@code convBackwardWeightsThroughMaxPool}, which the CPU backend fuses for a one-channel image into
     * 8 out-channels. Output and every parameter gradient must be the bits of the layers run as written, for the
     * first layer (ReLU between, input without a gradient) and a later one (no ReLU, its input needs a gradient).
     */
    @Test
    void convolutionThenMaxPoolRunsAsOneOpWithTheSameOutputAndGradients() {
        try (CpuDevice d = new CpuDevice()) {
            int[] input = {10, 12, 1};
            java.util.function.Supplier<Layer[]> layers = () -> new Layer[] {new Conv2d(1, 8, 3, 1, 1), ActivationLayer.relu(),
                    Pool2d.max(2), new Conv2d(8, 16, 3, 1, 1), Pool2d.max(2), ActivationLayer.relu(), new Flatten(), new Dense(96, 3)};
            Sequential fused = new Sequential(input, layers.get()).build(d, 5);
            GraphModel.Builder g = new GraphModel.Builder(input);
            GraphModel.Node h = g.input();
            for (Layer layer : layers.get()) {
                h = g.apply(layer, h);
            }
            GraphModel asWritten = g.output(h).build(d, 5);
            java.util.Random r = new java.util.Random(6);
            float[] x = new float[5 * 120];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextGaussian();
            }
            Model[] models = {fused, asWritten};
            float[][] outputs = new float[2][];
            java.util.List<float[]> paramGrads = new java.util.ArrayList<>();
            for (int m = 0; m < 2; m++) {
                try (Tape tape = new Tape(d)) {
                    Tensor logits = models[m].forward(tape.input(x, 5, 10, 12, 1), true);
                    Losses.softmaxCrossEntropy(logits, tape.input(new float[] {0, 2, 1, 1, 0}, 5)).backward();
                    outputs[m] = logits.toHost();
                    for (Tensor p : models[m].parameters()) {
                        paramGrads.add(p.gradToHost());
                        p.clearGrad();
                    }
                }
            }
            org.junit.jupiter.api.Assertions.assertArrayEquals(outputs[1], outputs[0]);
            int n = fused.parameters().size();
            for (int i = 0; i < n; i++) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(paramGrads.get(n + i), paramGrads.get(i), "parameter " + i);
                assertTrue(hasNonZero(paramGrads.get(i)), "parameter " + i + " got a gradient");
            }
            assertEquals(0, d.liveBuffers() - 2 * n, "only the parameters of the two models hold buffers after the tapes close");
            fused.release();
            asWritten.release();
        }
    }

    private static boolean hasNonZero(float[] values) {
        for (float v : values) {
            if (v != 0f) {
                return true;
            }
        }
        return false;
    }

    @Test
    void summaryListsOutputShapesAndParameterCounts() {
        try (CpuDevice d = new CpuDevice(false)) {
            Sequential simple = Models.byName("simple").build(d, 1);
            String summary = simple.summary();
            assertTrue(summary.contains("conv2d 1->8 3x3 stride 1 pad 1") && summary.contains("[28, 28, 8]"), summary);
            assertTrue(summary.contains("[7, 7, 16]") && summary.contains("[784]") && summary.contains("[10]"), summary);
            // 8*9+8 + 16*72+16 + 784*10+10
            assertEquals(9098, simple.parameterCount());
            assertTrue(summary.contains("total parameters: 9098"), summary);
            simple.release();
            Sequential lenet = Models.byName("lenet").build(d, 1);
            // 32*25+32 + 64*800+64 + 3136*1024+1024 + 1024*10+10
            assertEquals(3_274_634, lenet.parameterCount());
            lenet.release();
            assertEquals(0, d.liveBuffers());
        }
    }

    @Test
    void theSameSeedBuildsTheSameWeights() {
        try (CpuDevice d = new CpuDevice(false)) {
            Sequential a = new Sequential(new int[] {4, 4, 1}, new Conv2d(1, 2, 3, 1, 1), ActivationLayer.relu(), new Flatten(),
                    new Dense(32, 3)).build(d, 9);
            Sequential b = new Sequential(new int[] {4, 4, 1}, new Conv2d(1, 2, 3, 1, 1), ActivationLayer.relu(), new Flatten(),
                    new Dense(32, 3)).build(d, 9);
            for (int i = 0; i < a.parameters().size(); i++) {
                assertEquals(java.util.Arrays.toString(a.parameters().get(i).toHost()),
                        java.util.Arrays.toString(b.parameters().get(i).toHost()));
            }
            a.release();
            b.release();
        }
    }
}
