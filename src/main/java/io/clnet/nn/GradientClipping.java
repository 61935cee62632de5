package io.clnet.nn;

import io.clnet.device.Buffer;
import io.clnet.device.Device;

import java.util.List;

/** Gradient clipping, applied between backward and the optimizer step; nothing leaves the device. */
public final class GradientClipping {
    private GradientClipping() {
    }

    /** Every gradient element clamped to {@code [-limit, limit]}. */
    public static void byValue(List<Tensor> params, float limit) {
        for (Tensor p : params) {
            if (p.grad() != null) {
                p.device().clamp(p.grad(), -limit, limit, p.length());
            }
        }
    }

    /**
     * All gradients scaled by {@code min(1, maxNorm / ||g||)}, where {@code ||g||} is the L2 norm of every
     * gradient together: per-parameter sums of squares, their sum, then one scale, all on the device.
     */
    public static void byGlobalNorm(List<Tensor> params, float maxNorm) {
        if (params.isEmpty()) {
            return;
        }
        Device d = params.get(0).device();
        int total = params.size();
        try (Buffer squares = d.allocate(total + 1)) {
            d.fill(squares, 0f, total + 1);
            for (int i = 0; i < total; i++) {
                Tensor p = params.get(i);
                if (p.grad() != null) {
                    d.sumOfSquares(squares, i, p.grad(), p.length());
                }
            }
            d.sum(squares, total, squares, total);
            for (Tensor p : params) {
                if (p.grad() != null) {
                    d.scaleToMaxNorm(p.grad(), p.length(), squares, total, maxNorm);
                }
            }
        }
    }
}
