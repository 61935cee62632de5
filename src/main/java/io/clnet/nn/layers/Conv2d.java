package io.clnet.nn.layers;

import io.clnet.device.Device;
import io.clnet.device.Window2d;
import io.clnet.nn.Conv;
import io.clnet.nn.Tensor;

import java.util.List;
import java.util.Random;

/** 2-D convolution (cross-correlation) with bias; weights {@code [out][kh][kw][in]}, He-normal initialised. */
public final class Conv2d implements Layer {
    private final int in, out, kernelH, kernelW, strideH, strideW, padH, padW;
    private Tensor weight, bias;

    public Conv2d(int in, int out, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW) {
        if (in < 1 || out < 1 || kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1 || padH < 0 || padW < 0) {
            throw new IllegalArgumentException("conv2d: channels, kernel and stride must be >= 1 and padding >= 0");
        }
        this.in = in;
        this.out = out;
        this.kernelH = kernelH;
        this.kernelW = kernelW;
        this.strideH = strideH;
        this.strideW = strideW;
        this.padH = padH;
        this.padW = padW;
    }

    /** Square kernel, same stride and padding on both axes. */
    public Conv2d(int in, int out, int kernel, int stride, int pad) {
        this(in, out, kernel, kernel, stride, stride, pad, pad);
    }

    @Override
    public int[] outputShape(int[] input) {
        Shapes.requireChannels(this, input, in);
        Window2d window = Shapes.window(this, input, kernelH, kernelW, strideH, strideW, padH, padW);
        return new int[] {window.outHeight(), window.outWidth(), out};
    }

    @Override
    public long forwardMultiplyAdds(int[] input) {
        int[] output = outputShape(input);
        return (long) output[0] * output[1] * out * kernelH * kernelW * in;
    }

    @Override
    public void build(Device device, int[] input, Random random) {
        int fanIn = kernelH * kernelW * in;
        weight = Tensor.parameter(device, "weight", Init.heNormal(out * fanIn, fanIn, random), out, kernelH, kernelW, in);
        bias = Tensor.parameter(device, "bias", new float[out], out);
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        return Conv.conv2d(x, weight, bias, strideH, strideW, padH, padW);
    }

    /** This convolution, then max pooling with the given window: see {@link Pool2d#forwardAfter}. */
    Tensor forwardThenPool(Tensor x, int poolH, int poolW, int poolStrideH, int poolStrideW, int poolPadH, int poolPadW) {
        return Conv.conv2dMaxPool(x, weight, bias, strideH, strideW, padH, padW, poolH, poolW, poolStrideH, poolStrideW, poolPadH, poolPadW);
    }

    @Override
    public List<Tensor> parameters() {
        return List.of(weight, bias);
    }

    @Override
    public String describe() {
        return "conv2d " + in + "->" + out + " " + kernelH + "x" + kernelW + " stride " + strideH + (strideW != strideH ? "x" + strideW : "")
                + " pad " + padH + (padW != padH ? "x" + padW : "");
    }
}
