package io.clnet.nn.layers;

import io.clnet.nn.Pointwise;
import io.clnet.nn.Tensor;

/**
 * Softmax over the last axis, to output probabilities. To train a classifier, feed the logits to
 * {@code Losses.softmaxCrossEntropy} instead: the fused kernel is faster and stable.
 */
public final class Softmax implements Layer {
    @Override
    public int[] outputShape(int[] input) {
        return input.clone();
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        return Pointwise.softmax(x);
    }

    @Override
    public String describe() {
        return "softmax";
    }
}
