package io.clnet.nn.layers;

import io.clnet.device.Device;
import io.clnet.nn.Conv;
import io.clnet.nn.Tensor;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Fully connected layer {@code y = x W^T + b}, weights {@code [out][in]}; He-normal or Xavier initialised. */
public final class Dense implements Layer {
    private final int in, out;
    private final Init.Scheme init;
    private Tensor weight, bias;

    public Dense(int in, int out) {
        this(in, out, Init.Scheme.HE_NORMAL);
    }

    public Dense(int in, int out, Init.Scheme init) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("dense: sizes must be >= 1, got " + in + "->" + out);
        }
        this.in = in;
        this.out = out;
        this.init = init;
    }

    @Override
    public int[] outputShape(int[] input) {
        if (input.length != 1 || input[0] != in) {
            throw new IllegalArgumentException(describe() + ": expects input [" + in + "], got " + Arrays.toString(input)
                    + (input.length > 1 ? " (add a Flatten before it)" : ""));
        }
        return new int[] {out};
    }

    @Override
    public long forwardMultiplyAdds(int[] input) {
        return (long) in * out;
    }

    @Override
    public void build(Device device, int[] input, Random random) {
        weight = Tensor.parameter(device, "weight", init.draw(out * in, in, out, random), out, in);
        bias = Tensor.parameter(device, "bias", new float[out], out);
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        return Conv.dense(x, weight, bias);
    }

    @Override
    public List<Tensor> parameters() {
        return List.of(weight, bias);
    }

    @Override
    public String describe() {
        return "dense " + in + "->" + out;
    }
}
