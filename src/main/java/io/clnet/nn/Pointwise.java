package io.clnet.nn;

import io.clnet.device.Activation;
import io.clnet.device.Buffer;
import io.clnet.device.Device;
import io.clnet.device.Window2d;

/** Activations, pooling and the ops that join branches (residual add, channel concatenation). */
public final class Pointwise {
    private Pointwise() {
    }

    /** {@code y = f(x)}; see {@link Activation} for {@code alpha}. */
    public static Tensor activation(Tensor x, Activation act, float alpha) {
        Device d = x.device();
        Tensor y = Tensor.result(x.shape(), x);
        d.activationForward(y.data(), x.data(), act, alpha, x.length());
        y.onBackward(() -> {
            Buffer dx = x.newGradient();
            d.activationBackward(dx, y.grad(), x.data(), act, alpha, x.length());
            x.accumulate(dx, true);
        });
        return y;
    }

    /** Row-wise softmax over the last axis. */
    public static Tensor softmax(Tensor x) {
        Device d = x.device();
        int cols = x.dim(-1), rows = x.length() / cols;
        Tensor y = Tensor.result(x.shape(), x);
        d.softmaxForward(y.data(), x.data(), rows, cols);
        y.onBackward(() -> {
            Buffer dx = x.newGradient();
            d.softmaxBackward(dx, y.grad(), y.data(), rows, cols);
            x.accumulate(dx, true);
        });
        return y;
    }

    /**
     * Inverted dropout: each element is zeroed with probability {@code rate} and the rest scaled by
     * {@code 1/(1-rate)}; the mask is a function of {@code seed} (see {@code DropoutMask}).
     */
    public static Tensor dropout(Tensor x, float rate, long seed) {
        Device d = x.device();
        Tensor y = Tensor.result(x.shape(), x);
        Buffer mask = y.tape().scratch(x.length());
        d.dropoutForward(y.data(), mask, x.data(), x.length(), rate, seed);
        y.onBackward(() -> {
            Buffer dx = x.newGradient();
            d.mul(dx, y.grad(), mask, x.length());
            x.accumulate(dx, true);
        });
        return y;
    }

    /** Max pooling over {@code [N, H, W, C]}. */
    public static Tensor maxPool2d(Tensor x, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW) {
        Device d = x.device();
        Window2d win = new Window2d(x.dim(0), x.dim(1), x.dim(2), x.dim(3), kernelH, kernelW, strideH, strideW, padH, padW);
        Tensor y = Tensor.result(new int[] {win.batch(), win.outHeight(), win.outWidth(), win.channels()}, x);
        d.maxPoolForward(y.data(), x.data(), win);
        y.onBackward(() -> {
            Buffer dx = x.newGradient();
            d.maxPoolBackward(dx, y.grad(), x.data(), win);
            x.accumulate(dx, true);
        });
        return y;
    }

    /** Average pooling over {@code [N, H, W, C]}; padded positions count as zeros. */
    public static Tensor avgPool2d(Tensor x, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW) {
        Device d = x.device();
        Window2d win = new Window2d(x.dim(0), x.dim(1), x.dim(2), x.dim(3), kernelH, kernelW, strideH, strideW, padH, padW);
        Tensor y = Tensor.result(new int[] {win.batch(), win.outHeight(), win.outWidth(), win.channels()}, x);
        d.avgPoolForward(y.data(), x.data(), win);
        y.onBackward(() -> {
            Buffer dx = x.newGradient();
            d.avgPoolBackward(dx, y.grad(), win);
            x.accumulate(dx, true);
        });
        return y;
    }

    /** {@code [N, H, W, C] -> [N, C]}: the mean over every pixel. */
    public static Tensor globalAvgPool(Tensor x) {
        Device d = x.device();
        int n = x.dim(0), pixels = x.dim(1) * x.dim(2), c = x.dim(3);
        Tensor y = Tensor.result(new int[] {n, c}, x);
        d.globalAvgPoolForward(y.data(), x.data(), n, pixels, c);
        y.onBackward(() -> {
            Buffer dx = x.newGradient();
            d.globalAvgPoolBackward(dx, y.grad(), n, pixels, c);
            x.accumulate(dx, true);
        });
        return y;
    }

    /** {@code y = a + b} (same shapes): a residual connection. */
    public static Tensor add(Tensor a, Tensor b) {
        if (a.length() != b.length()) {
            throw new IllegalArgumentException("add: shapes " + a + " and " + b + " differ");
        }
        Device d = a.device();
        Tensor y = Tensor.result(a.shape(), a, b);
        d.add(y.data(), a.data(), b.data(), a.length());
        y.onBackward(() -> {
            a.accumulate(y.grad(), false);
            b.accumulate(y.grad(), false);
        });
        return y;
    }

    /** Concatenates channels-last tensors along their last axis; every other dimension must agree. */
    public static Tensor concatChannels(Tensor... parts) {
        Device d = parts[0].device();
        int rows = parts[0].length() / parts[0].dim(-1), total = 0;
        for (Tensor p : parts) {
            if (p.length() / p.dim(-1) != rows || p.rank() != parts[0].rank()) {
                throw new IllegalArgumentException("concat: " + p + " does not match " + parts[0] + " outside the channel axis");
            }
            total += p.dim(-1);
        }
        int[] shape = parts[0].shape();
        shape[shape.length - 1] = total;
        Tensor y = Tensor.result(shape, parts);
        int offset = 0;
        int[] offsets = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            offsets[i] = offset;
            d.copy2d(y.data(), offset, total, parts[i].data(), 0, parts[i].dim(-1), rows, parts[i].dim(-1));
            offset += parts[i].dim(-1);
        }
        final int width = total;
        y.onBackward(() -> {
            for (int i = 0; i < parts.length; i++) {
                Buffer dp = parts[i].newGradient();
                if (dp != null) {
                    d.copy2d(dp, 0, parts[i].dim(-1), y.grad(), offsets[i], width, rows, parts[i].dim(-1));
                    parts[i].accumulate(dp, true);
                }
            }
        });
        return y;
    }
}
