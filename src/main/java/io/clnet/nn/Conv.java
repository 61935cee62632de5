package io.clnet.nn;

import io.clnet.device.Buffer;
import io.clnet.device.Device;
import io.clnet.device.OpKind;
import io.clnet.device.Profiler;
import io.clnet.device.Window2d;

/** Convolution and dense (fully connected) ops: each pass is one device op (a convolution or a GEMM) plus the bias. */
public final class Conv {
    private Conv() {
    }

    /**
     * {@code y[n,oy,ox,o] = b[o] + sum over (ky,kx,c) of x[n, oy*s-p+ky, ox*s-p+kx, c] * w[o,ky,kx,c]}.
     *
     * @param x channels-last input {@code [N, H, W, C]}
     * @param w weights {@code [OC, KH, KW, C]}
     * @param b bias {@code [OC]}
     */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor b, int strideH, int strideW, int padH, int padW) {
        Window2d win = window(x, w, strideH, strideW, padH, padW);
        Tensor y = Tensor.result(new int[] {win.batch(), win.outHeight(), win.outWidth(), w.dim(0)}, x, w, b);
        Buffer patches = convForward(y.data(), y.tape(), x, w, b, win);
        y.onBackward(() -> conv2dBackward(y.grad(), x, w, b, patches, win));
        return y;
    }

    /**
     * {@code maxPool2d(conv2d(x, w, b, ...), poolH x poolW, stride poolStrideH x poolStrideW)} as one op
     * ({@link Device#convMaxPoolForward}). Where {@code x} needs no gradient (a first layer), the backward is
     * {@link Device#convBackwardWeightsThroughMaxPool}, and the convolution's output is kept (as scratch of the tape)
     * only if the device asks for it; otherwise it is kept and the backward is the two ops' backward.
     */
    public static Tensor conv2dMaxPool(Tensor x, Tensor w, Tensor b, int strideH, int strideW, int padH, int padW,
                                       int poolH, int poolW, int poolStrideH, int poolStrideW, int poolPadH, int poolPadW) {
        Device d = x.device();
        Window2d win = window(x, w, strideH, strideW, padH, padW);
        int oc = w.dim(0);
        Window2d pool = new Window2d(win.batch(), win.outHeight(), win.outWidth(), oc, poolH, poolW, poolStrideH, poolStrideW,
                poolPadH, poolPadW);
        pool.requirePoolable();
        Tensor p = Tensor.result(new int[] {pool.batch(), pool.outHeight(), pool.outWidth(), oc}, x, w, b);
        boolean throughPool = !x.requiresGrad() && w.requiresGrad();
        int kept = throughPool ? d.convMaxPoolKeptLength(win, pool, oc) : pool.inputLength();
        Buffer y = kept == 0 ? null : p.tape().scratch(kept);
        Buffer patches = patches(p.tape(), d, win, oc);
        try (Profiler.Scope phase = d.profiler().scope(OpKind.CONV_FORWARD)) {
            d.convMaxPoolForward(p.data(), y, x.data(), w.data(), b.data(), patches, win, pool, oc);
        }
        p.onBackward(() -> {
            if (throughPool) {
                Buffer dw = w.newGradient(), db = b.newGradient();
                d.convBackwardWeightsThroughMaxPool(dw, db, p.grad(), y, pool, x.data(), w.data(), b.data(), patches, win, oc);
                w.accumulate(dw, true);
                if (db != null) {
                    b.accumulate(db, true);
                }
                return;
            }
            try (Buffer dy = d.allocate(pool.inputLength())) {
                d.maxPoolBackward(dy, p.grad(), y, pool);
                conv2dBackward(dy, x, w, b, patches, win);
            }
        });
        return p;
    }

    private static Window2d window(Tensor x, Tensor w, int strideH, int strideW, int padH, int padW) {
        return new Window2d(x.dim(0), x.dim(1), x.dim(2), x.dim(3), w.dim(1), w.dim(2), strideH, strideW, padH, padW);
    }

    /** {@code out = conv2d(x, w, b)}; returns the forward's im2col when the device keeps it for the weight gradient (scratch of {@code tape}), else null. */
    private static Buffer convForward(Buffer out, Tape tape, Tensor x, Tensor w, Tensor b, Window2d win) {
        Device d = x.device();
        Buffer patches = patches(tape, d, win, w.dim(0));
        try (Profiler.Scope phase = d.profiler().scope(OpKind.CONV_FORWARD)) {
            d.convForward(out, x.data(), w.data(), b.data(), patches, win, w.dim(0));
        }
        return patches;
    }

    /** The patch matrix the device keeps between the forward and the weight gradient (scratch of {@code tape}), or null. */
    private static Buffer patches(Tape tape, Device d, Window2d win, int outChannels) {
        int patchLength = d.convPatchLength(win, outChannels);
        return patchLength == 0 ? null : tape.scratch(patchLength);
    }

    /** From {@code dy}, the gradient of {@code conv2d(x, w, b)}'s output: the gradients of whichever of x, w, b need one. */
    private static void conv2dBackward(Buffer dy, Tensor x, Tensor w, Tensor b, Buffer patches, Window2d win) {
        Device d = x.device();
        int rows = win.patchRows(), oc = w.dim(0);
        try (Profiler.Scope phase = d.profiler().scope(OpKind.CONV_BACKWARD_WEIGHTS)) {
            Buffer db = b.newGradient(), dw = w.newGradient();
            if (dw != null) {
                d.convBackwardWeights(dw, db, dy, x.data(), patches, win, oc); // the bias gradient in the same pass
                w.accumulate(dw, true);
            } else if (db != null) {
                d.biasGrad(db, dy, rows, oc);
            }
            if (db != null) {
                b.accumulate(db, true);
            }
        }
        Buffer dx = x.newGradient();
        if (dx != null) { // the network's input needs no gradient: its pass, the largest, is skipped
            d.convBackwardData(dx, dy, w.data(), win, oc);
            x.accumulate(dx, true);
        }
    }

    /**
     * {@code y[n,o] = b[o] + sum over i of x[n,i] * w[o,i]}.
     *
     * @param x {@code [N, IN]}; w {@code [OUT, IN]}; b {@code [OUT]}
     */
    public static Tensor dense(Tensor x, Tensor w, Tensor b) {
        Device d = x.device();
        int n = x.dim(0), in = x.dim(1), out = w.dim(0);
        Tensor y = Tensor.result(new int[] {n, out}, x, w, b);
        d.gemm(false, true, n, out, in, 1f, x.data(), 0, in, w.data(), 0, in, 0f, y.data(), 0, out);
        d.biasAdd(y.data(), b.data(), n, out);
        y.onBackward(() -> {
            Buffer dy = y.grad();
            Buffer db = b.newGradient();
            if (db != null) {
                d.biasGrad(db, dy, n, out);
                b.accumulate(db, true);
            }
            Buffer dw = w.newGradient();
            if (dw != null) {
                d.gemm(true, false, out, in, n, 1f, dy, 0, out, x.data(), 0, in, 0f, dw, 0, in);
                w.accumulate(dw, true);
            }
            Buffer dx = x.newGradient();
            if (dx != null) {
                d.gemm(false, false, n, in, out, 1f, dy, 0, out, w.data(), 0, in, 0f, dx, 0, in);
                x.accumulate(dx, true);
            }
        });
        return y;
    }
}
