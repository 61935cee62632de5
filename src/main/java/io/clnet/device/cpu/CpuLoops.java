package io.clnet.device.cpu;

import io.clnet.device.Window2d;

/**
 * The loops C2 does not vectorise by itself, written with the Vector API in {@link VectorLoops}: ReLU (a
 * select, which the JIT compiles to a branch taken at random on real activations), 2x2 max pooling and the
 * short runs col2im adds (a kernel row of a few channels). Each
 * gives exactly the results of the scalar code in {@link CpuDevice} and {@link CpuWindowOps}.
 */
interface CpuLoops {

    /** {@code out[i] = in[i] > 0 ? in[i] : 0} for i in {@code [from, to)}. */
    void reluForward(float[] out, float[] in, int from, int to);

    /** {@code dIn[i] = in[i] > 0 ? dOut[i] : 0} for i in {@code [from, to)}. */
    void reluBackward(float[] dIn, float[] dOut, float[] in, int from, int to);

    /** Whether the 2x2 pooling below runs this window ({@link CpuWindowOps#isTiled2x2} windows of some channel counts). */
    boolean suitsMaxPool(Window2d w);

    void maxPool2x2Forward(float[] out, float[] in, Window2d w);

    /**
     * One output row of {@link #maxPool2x2Forward}, for any channel count: {@code outWidth} windows whose top and
     * bottom input rows start at {@code in[top]} and {@code in[bottom]}, maxima to {@code out[o]} on.
     */
    void maxPool2x2ForwardRow(float[] out, int o, float[] in, int top, int bottom, int outWidth, int ch);

    void maxPool2x2Backward(float[] dIn, float[] dOut, float[] in, Window2d w);

    /**
     * One output row of {@link #maxPool2x2Backward}, for any channel count: {@code outWidth} windows whose top and
     * bottom input rows start at {@code in[top]} and {@code in[bottom]}, gradients from {@code dOut[o]}, routed to
     * rows starting at {@code dIn[dTop]} and {@code dIn[dBottom]} (which may be laid out unlike {@code in}).
     */
    void maxPool2x2BackwardRow(float[] dIn, int dTop, int dBottom, float[] dOut, int o, float[] in, int top, int bottom,
                               int outWidth, int ch);

    /**
     * One image's {@link #maxPool2x2BackwardRow}s: dIn's rows {@code [0, 2 * pool.outHeight())}, {@code dRowStride}
     * apart, from the image's pooled gradient at {@code dOut[o]}, each window's to its first maximum in {@code in},
     * whose row {@code y} starts at {@code in[start + y * stride]}.
     */
    default void maxPool2x2BackwardImage(float[] dIn, int dRowStride, float[] dOut, int o, float[] in, int start, int stride,
                                         Window2d pool, int ch) {
        int poolWidth = pool.outWidth();
        for (int py = 0; py < pool.outHeight(); py++) {
            int top = start + 2 * py * stride;
            maxPool2x2BackwardRow(dIn, 2 * py * dRowStride, (2 * py + 1) * dRowStride, dOut, o + py * poolWidth * ch,
                    in, top, top + stride, poolWidth, ch);
        }
    }

    /** {@code dst[dstAt + t] += src[srcAt + t]} for t in {@code [0, length)}. */
    void addInto(float[] dst, int dstAt, float[] src, int srcAt, int length);
}
