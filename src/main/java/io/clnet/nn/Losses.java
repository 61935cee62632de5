package io.clnet.nn;

import io.clnet.device.Buffer;
import io.clnet.device.Device;

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
            if (!loss.isBackwardRoot()) {
                // Scale by the upstream gradient where it lives, on the device: a [N*K x 1] by [1 x 1] product.
                try (Buffer scaled = d.allocate(rows * classes)) {
                    d.gemm(false, false, rows * classes, 1, 1, 1f, dLogits, 0, 1, loss.grad(), 0, 1, 0f, scaled, 0, 1);
                    d.copy(dLogits, 0, scaled, 0, rows * classes);
                }
            }
            logits.accumulate(dLogits, true);
        });
        return loss;
    }
}
