package io.clnet.device.contract;

import io.clnet.device.Buffer;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static io.clnet.device.contract.DeviceFixture.assertClose;
import static io.clnet.device.contract.DeviceFixture.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fused softmax-cross-entropy, argmax, correct count and the deterministic reductions. */
interface LossContract extends DeviceFixture {

    @Test
    default void softmaxCrossEntropyMatchesReference() {
        Random rnd = new Random(30);
        for (int[] shape : new int[][] {{1, 1}, {1, 10}, {7, 3}, {129, 10}}) {
            int rows = shape[0], classes = shape[1];
            float[] logits = random(rnd, rows * classes), labels = labels(rnd, rows, classes);
            for (int i = 0; i < logits.length; i++) {
                logits[i] *= 5;
            }
            double[] probs = new double[rows * classes];
            double loss = Reference.softmaxCrossEntropy(probs, logits, labels, rows, classes);
            Buffer lossBuffer = allocate(3), probsBuffer = allocate(rows * classes);
            device().softmaxCrossEntropyForward(lossBuffer, 2, probsBuffer, upload(logits), upload(labels), rows, classes);
            assertEquals(loss, download(lossBuffer)[2], 1e-5 + 1e-5 * loss, "loss " + rows + "x" + classes);
            assertClose("probs " + rows + "x" + classes, probs, download(probsBuffer), 1e-6, 1e-5);
        }
    }

    @Test
    default void softmaxCrossEntropyStaysFiniteOnExtremeLogits() {
        float[] logits = {100f, -100f, 0f, -100f, 100f, 0f};
        float[] labels = {0f, 0f};
        Buffer loss = allocate(1), probs = allocate(6);
        device().softmaxCrossEntropyForward(loss, 0, probs, upload(logits), upload(labels), 2, 3);
        // row 0 is certain and right (loss 0); row 1 is certain and wrong: clamped at -log(1e-12)
        assertEquals((0 - Math.log(1e-12)) / 2, download(loss)[0], 1e-3);
    }

    @Test
    default void softmaxCrossEntropyBackwardMatchesFiniteDifferencesOfTheLoss() {
        Random rnd = new Random(31);
        int rows = 6, classes = 5;
        float[] logits = random(rnd, rows * classes), labels = labels(rnd, rows, classes);
        Buffer labelBuffer = upload(labels), probs = allocate(rows * classes);
        GradientCheck.check(this, "softmax cross-entropy backward", logits, 1,
                (loss, x) -> device().softmaxCrossEntropyForward(loss, 0, probs, x, labelBuffer, rows, classes),
                (dLogits, dLoss, x) -> {
                    device().softmaxCrossEntropyForward(allocate(1), 0, probs, x, labelBuffer, rows, classes);
                    float scale = download(dLoss)[0];
                    device().softmaxCrossEntropyBackward(dLogits, probs, labelBuffer, rows, classes, scale);
                });
    }

    @Test
    default void aLabelOutsideTheClassesGivesNaNLoss() {
        Buffer loss = allocate(1), probs = allocate(4);
        device().softmaxCrossEntropyForward(loss, 0, probs, upload(new float[] {1, 2, 3, 4}), upload(new float[] {0, 2}), 2, 2);
        assertTrue(Float.isNaN(download(loss)[0]), "label 2 of 2 classes must poison the loss");
    }

    @Test
    default void argmaxAndCorrectCountTakeTheFirstMaximum() {
        float[] x = {1, 3, 3, 0, /**/ 5, 1, 2, 5, /**/ -1, -2, -0.5f, -3};
        float[] labels = {1, 3, 2};
        Buffer xb = upload(x), out = allocate(3), count = allocate(2);
        device().argmax(out, xb, 3, 4);
        assertClose("argmax", new double[] {1, 0, 2}, download(out), 0, 0);
        device().correctCount(count, 1, xb, upload(labels), 3, 4);
        assertEquals(2f, download(count)[1]);
    }

    @Test
    default void sumsMatchReferenceAndRepeatBitForBit() {
        Random rnd = new Random(32);
        for (int n : new int[] {1, 255, 256, 257, 16385, 100003}) {
            float[] x = random(rnd, n);
            double sum = 0, squares = 0;
            for (float v : x) {
                sum += v;
                squares += (double) v * v;
            }
            Buffer xb = upload(x), out = allocate(2);
            device().sum(out, 0, xb, n);
            device().sumOfSquares(out, 1, xb, n);
            float[] got = download(out);
            assertEquals(sum, got[0], 1e-5 * n, "sum of " + n);
            assertEquals(squares, got[1], 1e-5 * squares + 1e-6, "sum of squares of " + n);
            device().sum(out, 0, xb, n);
            assertEquals(Float.floatToIntBits(got[0]), Float.floatToIntBits(download(out)[0]), "sum of " + n + " twice");
        }
    }

    private static float[] labels(Random rnd, int rows, int classes) {
        float[] labels = new float[rows];
        for (int r = 0; r < rows; r++) {
            labels[r] = rnd.nextInt(classes);
        }
        return labels;
    }
}
