package io.clnet.nn;

import io.clnet.device.Buffer;
import io.clnet.device.Device;
import io.clnet.device.PointwiseLoss;

/** Losses: scalar ({@code [1]}) tensors, the mean over the batch. */
public final class Losses {
    private Losses() {
    }

    /**
     * Fused softmax + cross-entropy: {@code mean over rows of -log(softmax(logits)[label])}, with the log
     * clamped at {@code 1e-12}. {@code labels} holds class indices as floats.
     *
     * @param logits {@code [N, K]}; labels {@code [N]}
     */
    public static Tensor softmaxCrossEntropy(Tensor logits, Tensor labels) {
        Device d = logits.device();
        int rows = logits.dim(0), classes = logits.dim(1);
        if (labels.length() != rows) {
            throw new IllegalArgumentException("softmaxCrossEntropy: " + labels.length() + " labels for logits " + logits);
        }
        Tensor loss = Tensor.result(new int[] {1}, logits, labels);
        Buffer probs = loss.tape().scratch(rows * classes);
        d.softmaxCrossEntropyForward(loss.data(), 0, probs, logits.data(), labels.data(), rows, classes);
        loss.onBackward(() -> {
            Buffer dLogits = logits.newGradient();
            d.softmaxCrossEntropyBackward(dLogits, probs, labels.data(), rows, classes, 1f);
            scaleByUpstream(loss, dLogits, rows * classes);
            logits.accumulate(dLogits, true);
        });
        return loss;
    }

    /**
     * The mean over elements of an elementwise loss between {@code pred} and {@code target} (same length):
     * MSE, MAE, Huber({@code delta}), hinge (targets -1/+1) or binary cross-entropy on probabilities, e.g.
     * the output of a sigmoid. See {@link PointwiseLoss} for the formulas.
     */
    public static Tensor pointwise(Tensor pred, Tensor target, PointwiseLoss kind, float delta) {
        if (pred.length() != target.length()) {
            throw new IllegalArgumentException(kind + " loss: prediction " + pred + " and target " + target + " differ in size");
        }
        Device d = pred.device();
        int n = pred.length();
        Tensor loss = Tensor.result(new int[] {1}, pred, target);
        Buffer grad = loss.tape().scratch(n);
        d.pointwiseLoss(loss.data(), 0, grad, pred.data(), target.data(), kind, delta, n);
        loss.onBackward(() -> {
            Buffer dPred = pred.newGradient();
            d.copy(dPred, 0, grad, 0, n);
            scaleByUpstream(loss, dPred, n);
            pred.accumulate(dPred, true);
        });
        return loss;
    }

    public static Tensor mse(Tensor pred, Tensor target) {
        return pointwise(pred, target, PointwiseLoss.MSE, 0f);
    }

    public static Tensor mae(Tensor pred, Tensor target) {
        return pointwise(pred, target, PointwiseLoss.MAE, 0f);
    }

    public static Tensor huber(Tensor pred, Tensor target, float delta) {
        return pointwise(pred, target, PointwiseLoss.HUBER, delta);
    }

    public static Tensor hinge(Tensor pred, Tensor target) {
        return pointwise(pred, target, PointwiseLoss.HINGE, 0f);
    }

    public static Tensor binaryCrossEntropy(Tensor probabilities, Tensor target) {
        return pointwise(probabilities, target, PointwiseLoss.BCE, 0f);
    }

    /**
     * Multiplies a gradient by the loss's upstream gradient, which stays on the device: a
     * {@code [n x 1] * [1 x 1]} GEMM. Skipped when the loss is where backward started (its gradient is 1).
     */
    private static void scaleByUpstream(Tensor loss, Buffer gradient, int n) {
        if (loss.isBackwardRoot()) {
            return;
        }
        Device d = loss.device();
        try (Buffer scaled = d.allocate(n)) {
            d.gemm(false, false, n, 1, 1, 1f, gradient, 0, 1, loss.grad(), 0, 1, 0f, scaled, 0, 1);
            d.copy(gradient, 0, scaled, 0, n);
        }
    }
}
