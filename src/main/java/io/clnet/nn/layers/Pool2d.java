package io.clnet.nn.layers;

import io.clnet.device.Window2d;
import io.clnet.nn.Conv;
import io.clnet.nn.Pointwise;
import io.clnet.nn.Tensor;

/** Max or average pooling over each channel. */
public final class Pool2d implements Layer {
    private final boolean max;
    private final int kernelH, kernelW, strideH, strideW, padH, padW;

    public Pool2d(boolean max, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW) {
        if (kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1 || padH < 0 || padW < 0 || padH >= kernelH || padW >= kernelW) {
            throw new IllegalArgumentException((max ? "maxpool2d" : "avgpool2d") + ": kernel and stride must be >= 1 and 0 <= pad < kernel");
        }
        this.max = max;
        this.kernelH = kernelH;
        this.kernelW = kernelW;
        this.strideH = strideH;
        this.strideW = strideW;
        this.padH = padH;
        this.padW = padW;
    }

    public boolean isMax() {
        return max;
    }

    /** {@code k x k} max pooling with stride {@code k}. */
    public static Pool2d max(int k) {
        return new Pool2d(true, k, k, k, k, 0, 0);
    }

    /** {@code k x k} average pooling with stride {@code k}. */
    public static Pool2d avg(int k) {
        return new Pool2d(false, k, k, k, k, 0, 0);
    }

    /**
     * {@code forward(conv.forward(x))} for this max pool, as one op ({@link Conv#conv2dMaxPool}): the convolution's
     * output is scratch, and a first layer's backward does not write out its gradient.
     */
    public Tensor forwardAfter(Conv2d conv, Tensor x) {
        if (!max) {
            throw new IllegalStateException(describe() + ": only a max pool runs fused with its convolution");
        }
        return conv.forwardThenPool(x, kernelH, kernelW, strideH, strideW, padH, padW);
    }

    @Override
    public int[] outputShape(int[] input) {
        Shapes.requireImage(this, input);
        Window2d window = Shapes.window(this, input, kernelH, kernelW, strideH, strideW, padH, padW);
        return new int[] {window.outHeight(), window.outWidth(), input[2]};
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        return max ? Pointwise.maxPool2d(x, kernelH, kernelW, strideH, strideW, padH, padW)
                : Pointwise.avgPool2d(x, kernelH, kernelW, strideH, strideW, padH, padW);
    }

    @Override
    public String describe() {
        return (max ? "maxpool2d " : "avgpool2d ") + kernelH + "x" + kernelW + " stride " + strideH
                + (strideW != strideH ? "x" + strideW : "") + (padH + padW > 0 ? " pad " + padH + "x" + padW : "");
    }
}
