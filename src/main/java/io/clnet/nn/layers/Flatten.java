package io.clnet.nn.layers;

import io.clnet.nn.Tensor;

/** {@code [H, W, C] -> [H*W*C]} without copying. */
public final class Flatten implements Layer {
    @Override
    public int[] outputShape(int[] input) {
        return new int[] {Shapes.length(input)};
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        return x.reshape(x.dim(0), x.length() / x.dim(0));
    }

    @Override
    public String describe() {
        return "flatten";
    }
}
