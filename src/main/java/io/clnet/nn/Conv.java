package io.clnet.nn;

import io.clnet.device.Buffer;
import io.clnet.device.Device;
import io.clnet.device.OpKind;
import io.clnet.device.Profiler;
import io.clnet.device.Window2d;

/** Convolution and dense (fully connected) ops: im2col + GEMM forward, three GEMM-shaped products backward. */
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
        Device d = x.device();
        Window2d win = new Window2d(x.dim(0), x.dim(1), x.dim(2), x.dim(3), w.dim(1), w.dim(2), strideH, strideW, padH, padW);
        int rows = win.patchRows(), k = win.patchCols(), oc = w.dim(0);
        // A 1x1, stride-1, unpadded convolution reads the input as the im2col matrix itself.
        boolean pointwise = k == x.dim(3) && win.kernelH() == 1 && win.kernelW() == 1 && strideH == 1 && strideW == 1
                && padH == 0 && padW == 0;
        Tensor y = Tensor.result(new int[] {win.batch(), win.outHeight(), win.outWidth(), oc}, x, w, b);
        Buffer cols = pointwise ? x.data() : y.tape().scratch(rows * k);
        if (!pointwise) {
            d.im2col(cols, x.data(), win);
        }
        try (Profiler.Scope phase = d.profiler().scope(OpKind.CONV_FORWARD)) {
            d.gemm(false, true, rows, oc, k, 1f, cols, 0, k, w.data(), 0, k, 0f, y.data(), 0, oc);
            d.biasAdd(y.data(), b.data(), rows, oc);
        }
        y.onBackward(() -> {
            Buffer dy = y.grad();
            try (Profiler.Scope phase = d.profiler().scope(OpKind.CONV_BACKWARD_WEIGHTS)) {
                Buffer db = b.newGradient();
                if (db != null) {
                    d.biasGrad(db, dy, rows, oc);
                    b.accumulate(db, true);
                }
                Buffer dw = w.newGradient();
                if (dw != null) {
                    d.gemm(true, false, oc, k, rows, 1f, dy, 0, oc, cols, 0, k, 0f, dw, 0, k);
                    w.accumulate(dw, true);
                }
            }
            Buffer dx = x.newGradient();
            if (dx == null) {
                return; // the network's input needs no gradient: skip the largest GEMM and col2im
            }
            if (pointwise) {
                try (Profiler.Scope phase = d.profiler().scope(OpKind.CONV_BACKWARD_DATA)) {
                    d.gemm(false, false, rows, k, oc, 1f, dy, 0, oc, w.data(), 0, k, 0f, dx, 0, k);
                }
            } else {
                try (Buffer dcols = d.allocate(rows * k)) {
                    try (Profiler.Scope phase = d.profiler().scope(OpKind.CONV_BACKWARD_DATA)) {
                        d.gemm(false, false, rows, k, oc, 1f, dy, 0, oc, w.data(), 0, k, 0f, dcols, 0, k);
                    }
                    d.col2im(dx, dcols, win);
                }
            }
            x.accumulate(dx, true);
        });
        return y;
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
