package io.clnet.nn.layers;

import io.clnet.device.Activation;
import io.clnet.nn.Pointwise;
import io.clnet.nn.Tensor;

/** A pointwise activation; {@code alpha} as in {@link Activation}. */
public final class ActivationLayer implements Layer {
    private final Activation activation;
    private final float alpha;

    public ActivationLayer(Activation activation, float alpha) {
        this.activation = activation;
        this.alpha = alpha;
    }

    /** True for ReLU, which commutes with max pooling (see {@link io.clnet.nn.Sequential#forward}). */
    public boolean isRelu() {
        return activation == Activation.RELU;
    }

    public static ActivationLayer relu() {
        return new ActivationLayer(Activation.RELU, 0f);
    }

    public static ActivationLayer leakyRelu(float slope) {
        return new ActivationLayer(Activation.LEAKY_RELU, slope);
    }

    public static ActivationLayer sigmoid() {
        return new ActivationLayer(Activation.SIGMOID, 0f);
    }

    public static ActivationLayer tanh() {
        return new ActivationLayer(Activation.TANH, 0f);
    }

    public static ActivationLayer elu(float alpha) {
        return new ActivationLayer(Activation.ELU, alpha);
    }

    public static ActivationLayer gelu() {
        return new ActivationLayer(Activation.GELU, 0f);
    }

    public static ActivationLayer swish(float beta) {
        return new ActivationLayer(Activation.SWISH, beta);
    }

    @Override
    public int[] outputShape(int[] input) {
        return input.clone();
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        return Pointwise.activation(x, activation, alpha);
    }

    @Override
    public String describe() {
        boolean usesAlpha = activation == Activation.LEAKY_RELU || activation == Activation.ELU || activation == Activation.SWISH;
        return activation.name().toLowerCase().replace('_', '-') + (usesAlpha ? "(" + alpha + ")" : "");
    }
}
