package io.clnet.device.cpu;

import io.clnet.device.OpKind;
import io.clnet.device.Window2d;

/** Convolution passes straight from the image on host arrays (see {@link VectorConv}). */
interface CpuConv {

    /** Whether {@code pass} (a conv {@link OpKind}) on this window is faster here than im2col/col2im and GEMM. */
    boolean suits(OpKind pass, Window2d w, int outChannels);

    /**
     * {@code out = conv(image, weights) + bias}; {@code bias} null for none. Like every pass, only called where
     * {@link #suits} offers it; a class that never does keeps the default.
     */
    default void forward(float[] out, float[] image, float[] weights, float[] bias, Window2d w, int outChannels) {
        throw notOffered("forward");
    }

    default void backwardData(float[] dImage, float[] dOut, float[] weights, Window2d w, int outChannels) {
        throw notOffered("backward-data");
    }

    /** Whether {@link #backwardWeights} sums the bias gradient in its pass over dOut; if not, it is given none ({@code BaseDevice} runs biasGrad). */
    default boolean sumsBiasGradient() {
        return false;
    }

    /** {@code dWeights = dOut^T * im2col(image)}; {@code dBias} (null for none) = dOut summed over its rows. */
    default void backwardWeights(float[] dWeights, float[] dBias, float[] dOut, float[] image, Window2d w, int outChannels) {
        throw notOffered("backward-weights");
    }

    /**
     * Whether this convolution runs under a max pool {@code pool} (a window over the convolution's output) as one
     * op: {@link #forwardThroughMaxPool}, and {@link #backwardWeightsThroughMaxPool} with or without the
     * convolution's output kept.
     */
    default boolean suitsThroughMaxPool(Window2d pool, Window2d w, int outChannels) {
        return false;
    }

    /**
     * Whether {@link #backwardWeightsThroughMaxPool} runs with the convolution's output kept (never null), whichever
     * convolution ran the forward: the pool's gradient is routed into dOut as dOut is read. Implied by
     * {@link #suitsThroughMaxPool}.
     */
    default boolean routesMaxPoolGradient(Window2d pool, Window2d w, int outChannels) {
        return suitsThroughMaxPool(pool, w, outChannels);
    }

    /**
     * {@code pooled = maxPool(conv(image, weights) + bias, pool)}, pooled as the output is made; the output is written
     * to {@code convOut} as well unless that is null.
     */
    default void forwardThroughMaxPool(float[] pooled, float[] convOut, float[] image, float[] weights, float[] bias, Window2d w,
                                       Window2d pool, int outChannels) {
        throw notOffered("forward through a max pool");
    }

    /**
     * {@link #backwardWeights} with {@code dOut = maxPoolBackward(dPooled, convOut, pool)}, routed through the pool
     * as dOut is read instead of written out whole; the same bits as the two ops. {@code convOut} null: it is
     * computed again from the image, {@code weights} and {@code bias}, bit for bit as the forward made it.
     */
    default void backwardWeightsThroughMaxPool(float[] dWeights, float[] dBias, float[] dPooled, float[] convOut, Window2d pool,
                                               float[] image, float[] weights, float[] bias, Window2d w, int outChannels) {
        throw notOffered("backward-weights through a max pool");
    }

    private UnsupportedOperationException notOffered(String pass) {
        return new UnsupportedOperationException(getClass().getSimpleName() + " does not run " + pass);
    }
}
