package io.clnet.device;

/**
 * A compute device: memory plus the primitive ops every layer is written with. Two implementations:
 * {@code cpu.CpuDevice} (pure Java, the readable reference) and {@code opencl.ClDevice} (hand-written
 * kernels, GEMM through CLBlast). No layer asks which one it runs on.
 *
 * <p>Conventions, so a signature can be guessed before it is read:
 * <ul>
 *   <li>outputs first, inputs next, sizes last: {@code im2col(cols, image, window)};</li>
 *   <li>matrices are row-major; images are channels-last {@code [batch][height][width][channels]};</li>
 *   <li>buffers start at element 0 unless an offset argument says otherwise;</li>
 *   <li>integer data (labels, counts, indices) is stored as exactly-representable floats;</li>
 *   <li>ops are queued in order: a later op sees an earlier op's result; {@link #download} waits.</li>
 * </ul>
 * Sizes are checked against buffer lengths at this boundary; a mismatch throws
 * {@link IllegalArgumentException} naming the op, the buffer and both sizes.
 *
 * <p>Lifecycle: {@code open -> allocate/upload -> ops* -> download -> close}. Closing the device frees
 * every pooled buffer.
 */
public interface Device extends AutoCloseable {

    /** Identity and capabilities, as {@code devices} prints them. */
    DeviceInfo info();

    // ---- memory --------------------------------------------------------------------------------

    /** A buffer of {@code length} floats, reused from the pool when one of that length is free. Contents undefined. */
    Buffer allocate(int length);

    /** Copies {@code src[srcOffset, srcOffset+length)} into {@code dst[dstOffset, ...)}. */
    void upload(Buffer dst, int dstOffset, float[] src, int srcOffset, int length);

    /** Copies {@code src[srcOffset, srcOffset+length)} to the host; waits for queued work. */
    void download(float[] dst, int dstOffset, Buffer src, int srcOffset, int length);

    /** Blocks until every queued op has finished. */
    void finish();

    /** Buffers handed out by {@link #allocate} and not yet closed. Tests expect this back at zero. */
    int liveBuffers();

    /** How many times the backend really allocated memory (pool misses) since the device opened. */
    long backendAllocations();

    /** Host-to-device copies ({@link #upload} calls) since the device opened. */
    long uploads();

    /** Device-to-host copies ({@link #download} calls) since the device opened: each one waits for the device. */
    long downloads();

    /**
     * This device's floating-point peak in GFLOP/s, measured now (takes up to a few seconds): the CPU
     * backend runs an FMA loop on every core, an OpenCL device a large SGEMM. MFU is achieved / this.
     */
    double measurePeakGflops();

    /** Time per op kind, off until {@code profiler().setEnabled(true)}; read it after {@link #finish}. */
    Profiler profiler();

    @Override
    void close();

    // ---- GEMM ----------------------------------------------------------------------------------

    /**
     * {@code C = alpha * op(A) * op(B) + beta * C}, row-major, where {@code op(A)} is {@code m x k} ({@code k >= 1}) and
     * {@code op(B)} is {@code k x n}. With {@code beta == 0}, C is overwritten (NaNs in it do not survive).
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              float alpha, Buffer a, int aOffset, int lda,
              Buffer b, int bOffset, int ldb,
              float beta, Buffer c, int cOffset, int ldc);

    /** {@code batch} independent GEMMs; matrix {@code i} starts at {@code offset + i * stride} in each buffer. */
    void gemmStridedBatched(boolean transA, boolean transB, int m, int n, int k,
                            float alpha, Buffer a, int aOffset, int lda, int strideA,
                            Buffer b, int bOffset, int ldb, int strideB,
                            float beta, Buffer c, int cOffset, int ldc, int strideC, int batch);

    // ---- convolution and pooling ---------------------------------------------------------------

    /** Unfolds {@code image[batch][h][w][c]} into {@code cols[patchRows][patchCols]}; padding reads as 0. See {@link Window2d}. */
    void im2col(Buffer cols, Buffer image, Window2d window);

    /** Adjoint of {@link #im2col}: {@code image} is overwritten with the sum of every column entry that read each pixel. */
    void col2im(Buffer image, Buffer cols, Window2d window);

    /**
     * Floats of the patch matrix ({@code im2col(image)}) that {@link #convForward} should keep for
     * {@link #convBackwardWeights}, or 0 when this device computes the weight gradient from the image itself.
     * Like a cuDNN workspace size: the caller allocates it, passes it to both, and keeps it in between.
     */
    int convPatchLength(Window2d window, int outChannels);

    /**
     * A convolution: {@code out[patchRows][outChannels] = im2col(image) * weights^T + bias}, with
     * {@code weights[outChannels][kernelH][kernelW][channels]} and {@code bias[outChannels]} or null for none.
     * {@code patches} is null or {@link #convPatchLength} floats, then filled with {@code im2col(image)}. A
     * backend may skip the patch matrix and add the bias as it stores the output, saving a pass over it; the
     * default is {@link #im2col}, one GEMM and {@link #biasAdd}.
     */
    void convForward(Buffer out, Buffer image, Buffer weights, Buffer bias, Buffer patches, Window2d window, int outChannels);

    /** The adjoint of {@link #convForward} in the image: {@code dImage} (overwritten) {@code = col2im(dOut * weights)}. */
    void convBackwardData(Buffer dImage, Buffer dOut, Buffer weights, Window2d window, int outChannels);

    /**
     * The adjoint of {@link #convForward} in the weights: {@code dWeights} (overwritten) {@code = dOut^T * im2col(image)},
     * and in the bias: {@code dBias} (overwritten; null for none) {@code = } the sum of {@code dOut} over its rows, as
     * {@link #biasGrad}. {@code patches}: null, or the buffer {@link #convForward} filled from this image. A backend
     * may sum the bias gradient in the same pass over {@code dOut}; the default is {@link #biasGrad} and the GEMM.
     */
    void convBackwardWeights(Buffer dWeights, Buffer dBias, Buffer dOut, Buffer image, Buffer patches, Window2d window,
                             int outChannels);

    /**
     * Floats of the convolution's output that {@link #convMaxPoolForward} should keep for
     * {@link #convBackwardWeightsThroughMaxPool}, or 0 when this device computes it again there from the image
     * (cheaper than writing it out and reading it back for a convolution of few channels). Where the convolution's
     * input needs a gradient, the caller keeps the output anyway: {@link #maxPoolBackward} reads it.
     */
    int convMaxPoolKeptLength(Window2d window, Window2d pool, int outChannels);

    /**
     * {@code pooled = maxPoolForward(convForward(image, weights, bias), pool)} as one op. {@code convOut}: null, or
     * {@code pool.inputLength()} floats then holding the convolution's output; {@code patches} as for
     * {@link #convForward}. A backend may pool each output row as it is made and, with {@code convOut} null, never
     * write the output out. {@code pool}'s input must be the convolution's output.
     */
    void convMaxPoolForward(Buffer pooled, Buffer convOut, Buffer image, Buffer weights, Buffer bias, Buffer patches,
                            Window2d window, Window2d pool, int outChannels);

    /**
     * {@link #convBackwardWeights} of a convolution whose output {@code convOut} was max-pooled by {@code pool}, given
     * the pooled output's gradient {@code dPooled}: the same as {@code maxPoolBackward(dOut, dPooled, convOut, pool)}
     * then {@code convBackwardWeights(dWeights, dBias, dOut, image, patches, window, outChannels)}. A backend may route
     * the gradient through the pool as it reads it, so that dOut is never written out. This is the backward of a
     * first layer, whose input needs no gradient. {@code pool}'s input must be the convolution's output.
     * {@code convOut} may be null only where {@link #convMaxPoolKeptLength} is 0: the output is then computed again
     * from {@code image}, {@code weights} and {@code bias} (null for none), bit for bit as the forward made it.
     */
    void convBackwardWeightsThroughMaxPool(Buffer dWeights, Buffer dBias, Buffer dPooled, Buffer convOut, Window2d pool,
                                           Buffer image, Buffer weights, Buffer bias, Buffer patches, Window2d window,
                                           int outChannels);

    /** {@code out[n][oy][ox][c]} = max over the window; padding never wins. */
    void maxPoolForward(Buffer out, Buffer in, Window2d window);

    /** {@code dIn} (overwritten) receives each window's gradient at that window's first maximum in {@code in}. */
    void maxPoolBackward(Buffer dIn, Buffer dOut, Buffer in, Window2d window);

    /** {@code out} = window sum / (kernelH * kernelW): padded positions count as zeros. */
    void avgPoolForward(Buffer out, Buffer in, Window2d window);

    /** Adjoint of {@link #avgPoolForward}; {@code dIn} is overwritten. */
    void avgPoolBackward(Buffer dIn, Buffer dOut, Window2d window);

    /** {@code out[n][c]} = mean over {@code pixels} of {@code in[n][pixels][c]}. */
    void globalAvgPoolForward(Buffer out, Buffer in, int batch, int pixels, int channels);

    /** {@code dIn[n][p][c] = dOut[n][c] / pixels}. */
    void globalAvgPoolBackward(Buffer dIn, Buffer dOut, int batch, int pixels, int channels);

    // ---- bias and activations ------------------------------------------------------------------

    /** {@code x[r][c] += bias[c]} for a {@code rows x channels} matrix. */
    void biasAdd(Buffer x, Buffer bias, int rows, int channels);

    /** {@code dBias[c] = sum over r of dOut[r][c]} (overwrites dBias). */
    void biasGrad(Buffer dBias, Buffer dOut, int rows, int channels);

    /** {@code out[i] = f(in[i])}; {@code out} may be {@code in}. */
    void activationForward(Buffer out, Buffer in, Activation activation, float alpha, int length);

    /** {@code dIn[i] = dOut[i] * f'(in[i])}, from the forward's input; {@code dIn} may be {@code dOut}. */
    void activationBackward(Buffer dIn, Buffer dOut, Buffer in, Activation activation, float alpha, int length);

    /** Row-wise softmax of {@code in[rows][cols]}; {@code out} may be {@code in}. */
    void softmaxForward(Buffer out, Buffer in, int rows, int cols);

    /** {@code dIn = out * (dOut - sum over the row of dOut*out)}, from the forward's output. */
    void softmaxBackward(Buffer dIn, Buffer dOut, Buffer out, int rows, int cols);

    /**
     * Inverted dropout: {@code mask[i]} = 0 with probability {@code rate}, else {@code 1/(1-rate)}, drawn by
     * {@link DropoutMask} from {@code (seed, i)} (the same on every backend); {@code out = in * mask}. The
     * backward is {@code mul(dIn, dOut, mask)}.
     */
    void dropoutForward(Buffer out, Buffer mask, Buffer in, int length, float rate, long seed);

    // ---- loss and metrics ----------------------------------------------------------------------

    /**
     * An elementwise loss averaged over {@code length} elements: {@code loss[lossIndex] = mean of value(p, t)}
     * and {@code grad[i] = d mean / d pred[i]} (the gradient already divided by {@code length}).
     */
    void pointwiseLoss(Buffer loss, int lossIndex, Buffer grad, Buffer pred, Buffer target, PointwiseLoss kind, float delta,
                       int length);

    /**
     * Fused softmax and cross-entropy on integer labels: {@code probs = softmax(logits)} row-wise and
     * {@code loss[lossIndex] = mean over rows of -log(max(probs[r][label[r]], 1e-12))}.
     */
    void softmaxCrossEntropyForward(Buffer loss, int lossIndex, Buffer probs, Buffer logits, Buffer labels, int rows, int classes);

    /** {@code dLogits = scale * (probs - onehot(labels)) / rows}: the gradient of {@code scale * meanLoss}. */
    void softmaxCrossEntropyBackward(Buffer dLogits, Buffer probs, Buffer labels, int rows, int classes, float scale);

    /** {@code out[r]} = index of the first maximum of row {@code r} of {@code x[rows][cols]}. */
    void argmax(Buffer out, Buffer x, int rows, int cols);

    /** {@code out[outIndex]} = number of rows whose argmax equals the label. */
    void correctCount(Buffer out, int outIndex, Buffer logits, Buffer labels, int rows, int classes);

    // ---- elementwise ---------------------------------------------------------------------------

    /** {@code out = a + b}. */
    void add(Buffer out, Buffer a, Buffer b, int length);

    /** {@code out = a * b} elementwise. */
    void mul(Buffer out, Buffer a, Buffer b, int length);

    /** {@code y += alpha * x}. */
    void axpy(Buffer y, float alpha, Buffer x, int length);

    /** {@code x *= alpha}. */
    void scale(Buffer x, float alpha, int length);

    /** {@code x[i] = value}. */
    void fill(Buffer x, float value, int length);

    /** {@code dst[dstOffset + i] = src[srcOffset + i]}; the ranges must not overlap. */
    void copy(Buffer dst, int dstOffset, Buffer src, int srcOffset, int length);

    /**
     * Copies a {@code rows x cols} block between row-major matrices with different row strides (e.g. one
     * tensor's channels into a wider channel-concatenated tensor).
     */
    void copy2d(Buffer dst, int dstOffset, int dstStride, Buffer src, int srcOffset, int srcStride, int rows, int cols);

    /** {@code x[i] = min(max(x[i], lo), hi)}: gradient clipping by value. */
    void clamp(Buffer x, float lo, float hi, int length);

    /**
     * {@code x *= min(1, maxNorm / sqrt(sumOfSquares[index]))}, reading the squared norm on the device:
     * gradient clipping by global norm with no host round trip.
     */
    void scaleToMaxNorm(Buffer x, int length, Buffer sumOfSquares, int index, float maxNorm);

    // ---- reductions (deterministic: a fixed order for a given length) --------------------------

    /** {@code out[outIndex] = sum of x[0, length)}. */
    void sum(Buffer out, int outIndex, Buffer x, int length);

    /** {@code out[outIndex] = sum of x[i]^2}. */
    void sumOfSquares(Buffer out, int outIndex, Buffer x, int length);

    // ---- optimizer updates ---------------------------------------------------------------------

    /**
     * SGD step, in place on {@code param} and {@code velocity}:
     * {@code g = grad + weightDecay*param; v = momentum*v + g; param -= lr * (nesterov ? g + momentum*v : v)}.
     * With {@code momentum == 0}, {@code velocity} may be null and {@code param -= lr*g}.
     */
    void sgdUpdate(Buffer param, Buffer velocity, Buffer grad, int length,
                   float lr, float momentum, float weightDecay, boolean nesterov);

    /**
     * Adam step {@code t} (1-based), in place on {@code param}, {@code m}, {@code v}:
     * {@code g = grad + weightDecay*param; m = b1*m + (1-b1)g; v = b2*v + (1-b2)g^2;
     * param -= lr * (m/(1-b1^t)) / (sqrt(v/(1-b2^t)) + eps)}.
     */
    void adamUpdate(Buffer param, Buffer m, Buffer v, Buffer grad, int length,
                    float lr, float beta1, float beta2, float eps, float weightDecay, int t);
}
