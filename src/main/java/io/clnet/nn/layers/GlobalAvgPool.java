package io.clnet.nn.layers;

import io.clnet.nn.Pointwise;
import io.clnet.nn.Tensor;

/** {@code [H, W, C] -> [C]}: the mean of each channel. */
public final class GlobalAvgPool implements Layer {
    @Override
    public int[] outputShape(int[] input) {
        Shapes.requireImage(this, input);
        return new int[] {input[2]};
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        return Pointwise.globalAvgPool(x);
    }

    @Override
    public String describe() {
        return "globalavgpool";
    }
}
