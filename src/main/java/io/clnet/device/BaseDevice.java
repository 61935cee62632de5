package io.clnet.device;

import java.util.function.Supplier;

/**
 * The one place where {@link Device} arguments are checked. Every public op here validates sizes,
 * offsets and buffer ownership, then hands the backend its raw memory through a {@code run...} hook, so
 * a backend only writes the math and never repeats a check. An op's description for those errors (its name
 * and shapes) is a {@link Supplier}, built only when an error is thrown: built eagerly on every call, the
 * descriptions took a simple CPU step from 18-22 KB of garbage to 26-30 KB (an ad-hoc harness: bytes allocated
 * by every thread over 160 steps).
 *
 * @param <M> the backend's memory handle
 */
public abstract class BaseDevice<M> implements Device {

    private final BufferPool<M> pool;
    private final Profiler profiler = new Profiler();
    private OpKind profiledKind;
    private long uploads, downloads;

    protected BaseDevice(BufferPool.Allocator<M> allocator) {
        this.pool = new BufferPool<>(allocator);
    }

    // ---- memory --------------------------------------------------------------------------------

    @Override
    public final Buffer allocate(int length) {
        if (length < 0) {
            throw new IllegalArgumentException("allocate: negative length " + length);
        }
        return new PooledBuffer<>(this, pool, Math.max(length, 1));
    }

    @Override
    public final void upload(Buffer dst, int dstOffset, float[] src, int srcOffset, int length) {
        Supplier<String> op = () -> "upload";
        checkHostRange(op, src, srcOffset, length);
        uploads++;
        long started = begin(OpKind.UPLOAD);
        runUpload(mem(op, "dst", dst, dstOffset, length), dstOffset, src, srcOffset, length);
        end(started);
    }

    @Override
    public final void download(float[] dst, int dstOffset, Buffer src, int srcOffset, int length) {
        Supplier<String> op = () -> "download";
        checkHostRange(op, dst, dstOffset, length);
        downloads++;
        long started = begin(OpKind.DOWNLOAD);
        runDownload(dst, dstOffset, mem(op, "src", src, srcOffset, length), srcOffset, length);
        end(started);
    }

    @Override
    public final long uploads() {
        return uploads;
    }

    @Override
    public final long downloads() {
        return downloads;
    }

    @Override
    public final Profiler profiler() {
        return profiler;
    }

    @Override
    public final int liveBuffers() {
        return pool.live();
    }

    @Override
    public final long backendAllocations() {
        return pool.allocations();
    }

    /** Frees the pooled blocks no one holds: after one-off work with sizes a training step will not ask for again. */
    protected final void releaseIdleMemory() {
        pool.clear();
    }

    /** Frees pooled memory; subclasses free their own resources after calling this. */
    @Override
    public void close() {
        pool.clear();
    }

    // ---- profiling -----------------------------------------------------------------------------

    /** Notes the kind of the op about to run; returns its start time, or 0 when profiling is off. */
    private long begin(OpKind kind) {
        if (!profiler.enabled()) {
            profiledKind = null;
            return 0;
        }
        profiledKind = profiler.classify(kind);
        return System.nanoTime();
    }

    private void end(long started) {
        if (started != 0 && timesOpsOnHost()) {
            profiler.add(profiledKind, System.nanoTime() - started);
        }
    }

    /**
     * True when an op has finished once its {@code run...} hook returns, so the wall clock times it (the CPU
     * backend). A queued backend returns false and reports each command's device time itself, tagged with
     * {@link #profiledKind()}.
     */
    protected boolean timesOpsOnHost() {
        return true;
    }

    /** The kind the running op counts as, or null when profiling is off. */
    protected final OpKind profiledKind() {
        return profiledKind;
    }

    // ---- GEMM ----------------------------------------------------------------------------------

    @Override
    public final void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, Buffer a, int aOffset, int lda,
                           Buffer b, int bOffset, int ldb, float beta, Buffer c, int cOffset, int ldc) {
        gemmStridedBatched(transA, transB, m, n, k, alpha, a, aOffset, lda, 0, b, bOffset, ldb, 0, beta, c, cOffset, ldc, 0, 1);
    }

    @Override
    public final void gemmStridedBatched(boolean transA, boolean transB, int m, int n, int k,
                                         float alpha, Buffer a, int aOffset, int lda, int strideA,
                                         Buffer b, int bOffset, int ldb, int strideB,
                                         float beta, Buffer c, int cOffset, int ldc, int strideC, int batch) {
        Supplier<String> op = () -> "gemm " + m + "x" + n + "x" + k + (transA ? " A^T" : "") + (transB ? " B^T" : "");
        if (m < 0 || n < 0 || k < 1 || batch < 0) {
            throw new IllegalArgumentException(op.get() + ": m, n and batch must be >= 0 and k >= 1 (batch " + batch + ")");
        }
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        checkLeading(op, "A", lda, aCols);
        checkLeading(op, "B", ldb, bCols);
        checkLeading(op, "C", ldc, n);
        if (m == 0 || n == 0 || batch == 0) {
            return;
        }
        M am = mem(op, "A", a, aOffset + (long) strideA * (batch - 1), matrixExtent(aRows, aCols, lda));
        M bm = mem(op, "B", b, bOffset + (long) strideB * (batch - 1), matrixExtent(bRows, bCols, ldb));
        M cm = mem(op, "C", c, cOffset + (long) strideC * (batch - 1), matrixExtent(m, n, ldc));
        long started = begin(OpKind.GEMM);
        runGemm(transA, transB, m, n, k, alpha, am, aOffset, lda, strideA, bm, bOffset, ldb, strideB,
                beta, cm, cOffset, ldc, strideC, batch);
        end(started);
    }

    // ---- convolution and pooling ---------------------------------------------------------------

    @Override
    public final void im2col(Buffer cols, Buffer image, Window2d w) {
        Supplier<String> op = () -> "im2col " + w;
        long started = begin(OpKind.IM2COL);
        runIm2col(mem(op, "cols", cols, 0, (long) w.patchRows() * w.patchCols()), mem(op, "image", image, 0, w.inputLength()), w);
        end(started);
    }

    @Override
    public final void col2im(Buffer image, Buffer cols, Window2d w) {
        Supplier<String> op = () -> "col2im " + w;
        long started = begin(OpKind.IM2COL);
        runCol2im(mem(op, "image", image, 0, w.inputLength()), mem(op, "cols", cols, 0, (long) w.patchRows() * w.patchCols()), w);
        end(started);
    }

    @Override
    public final int convPatchLength(Window2d w, int outChannels) {
        return w.isItsOwnPatchMatrix() || convolvesFromImage(OpKind.CONV_BACKWARD_WEIGHTS, w, outChannels)
                ? 0 : w.patchRows() * w.patchCols();
    }

    @Override
    public final void convForward(Buffer out, Buffer image, Buffer weights, Buffer bias, Buffer patches, Window2d w, int outChannels) {
        Supplier<String> op = () -> "convForward " + w + " to " + outChannels + " channels";
        checkPositive(op, outChannels);
        M om = mem(op, "out", out, 0, (long) w.patchRows() * outChannels);
        M im = mem(op, "image", image, 0, w.inputLength());
        M wm = mem(op, "weights", weights, 0, (long) outChannels * w.patchCols());
        M bm = bias == null ? null : mem(op, "bias", bias, 0, outChannels);
        if (patches != null) {
            mem(op, "patches", patches, 0, (long) w.patchRows() * w.patchCols());
        }
        try (Profiler.Scope phase = profiler.scope(OpKind.CONV_FORWARD)) {
            int rows = w.patchRows(), k = w.patchCols();
            if (patches == null && convolvesFromImage(OpKind.CONV_FORWARD, w, outChannels)) {
                long started = begin(OpKind.CONV_FORWARD);
                runConvForward(om, im, wm, bm, w, outChannels);
                end(started);
                return;
            }
            if (w.isItsOwnPatchMatrix()) {
                gemm(false, true, rows, outChannels, k, 1f, image, 0, k, weights, 0, k, 0f, out, 0, outChannels);
            } else {
                // The patch matrix is made anyway: keep it in the caller's buffer for the weight gradient.
                try (Buffer scratch = patches == null ? allocate(rows * k) : null) {
                    Buffer cols = patches == null ? scratch : patches;
                    im2col(cols, image, w);
                    gemm(false, true, rows, outChannels, k, 1f, cols, 0, k, weights, 0, k, 0f, out, 0, outChannels);
                }
            }
            if (bias != null) {
                biasAdd(out, bias, rows, outChannels);
            }
        }
    }

    @Override
    public final void convBackwardData(Buffer dImage, Buffer dOut, Buffer weights, Window2d w, int outChannels) {
        Supplier<String> op = () -> "convBackwardData " + w + " from " + outChannels + " channels";
        checkPositive(op, outChannels);
        M im = mem(op, "dImage", dImage, 0, w.inputLength());
        M om = mem(op, "dOut", dOut, 0, (long) w.patchRows() * outChannels);
        M wm = mem(op, "weights", weights, 0, (long) outChannels * w.patchCols());
        try (Profiler.Scope phase = profiler.scope(OpKind.CONV_BACKWARD_DATA)) {
            int rows = w.patchRows(), k = w.patchCols();
            if (convolvesFromImage(OpKind.CONV_BACKWARD_DATA, w, outChannels)) {
                long started = begin(OpKind.CONV_BACKWARD_DATA);
                runConvBackwardData(im, om, wm, w, outChannels);
                end(started);
            } else if (w.isItsOwnPatchMatrix()) {
                gemm(false, false, rows, k, outChannels, 1f, dOut, 0, outChannels, weights, 0, k, 0f, dImage, 0, k);
            } else {
                try (Buffer dCols = allocate(rows * k)) {
                    gemm(false, false, rows, k, outChannels, 1f, dOut, 0, outChannels, weights, 0, k, 0f, dCols, 0, k);
                    col2im(dImage, dCols, w);
                }
            }
        }
    }

    @Override
    public final void convBackwardWeights(Buffer dWeights, Buffer dBias, Buffer dOut, Buffer image, Buffer patches, Window2d w,
                                          int outChannels) {
        Supplier<String> op = () -> "convBackwardWeights " + w + " from " + outChannels + " channels";
        checkPositive(op, outChannels);
        M dm = mem(op, "dWeights", dWeights, 0, (long) outChannels * w.patchCols());
        M bm = dBias == null ? null : mem(op, "dBias", dBias, 0, outChannels);
        M om = mem(op, "dOut", dOut, 0, (long) w.patchRows() * outChannels);
        M im = mem(op, "image", image, 0, w.inputLength());
        if (patches != null) {
            mem(op, "patches", patches, 0, (long) w.patchRows() * w.patchCols());
        }
        try (Profiler.Scope phase = profiler.scope(OpKind.CONV_BACKWARD_WEIGHTS)) {
            int rows = w.patchRows(), k = w.patchCols();
            boolean fromImage = convolvesFromImage(OpKind.CONV_BACKWARD_WEIGHTS, w, outChannels);
            if (dBias != null && !(fromImage && sumsBiasGradientFromImage(w, outChannels))) {
                biasGrad(dBias, dOut, rows, outChannels);
                bm = null;
            }
            if (fromImage) {
                long started = begin(OpKind.CONV_BACKWARD_WEIGHTS);
                runConvBackwardWeights(dm, bm, om, im, w, outChannels);
                end(started);
                return;
            }
            if (w.isItsOwnPatchMatrix() || patches != null) {
                gemm(true, false, outChannels, k, rows, 1f, dOut, 0, outChannels, patches != null ? patches : image, 0, k,
                        0f, dWeights, 0, k);
            } else {
                try (Buffer cols = allocate(rows * k)) {
                    im2col(cols, image, w);
                    gemm(true, false, outChannels, k, rows, 1f, dOut, 0, outChannels, cols, 0, k, 0f, dWeights, 0, k);
                }
            }
        }
    }

    @Override
    public final int convMaxPoolKeptLength(Window2d w, Window2d pool, int outChannels) {
        return runsConvMaxPoolAsOne(w, pool, outChannels) ? 0 : pool.inputLength();
    }

    /** Whether the fused hooks run this convolution under this pool (both checked to read what the convolution writes). */
    private boolean runsConvMaxPoolAsOne(Window2d w, Window2d pool, int outChannels) {
        return convPatchLength(w, outChannels) == 0 && convolvesFromImage(OpKind.CONV_FORWARD, w, outChannels)
                && convolvesFromImage(OpKind.CONV_BACKWARD_WEIGHTS, w, outChannels) && fusesMaxPool(pool, w, outChannels);
    }

    @Override
    public final void convMaxPoolForward(Buffer pooled, Buffer convOut, Buffer image, Buffer weights, Buffer bias, Buffer patches,
                                         Window2d w, Window2d pool, int outChannels) {
        Supplier<String> op = () -> "convMaxPoolForward " + w + " to " + outChannels + " channels, pooled " + pool;
        checkPooledConvolution(op, w, pool, outChannels);
        if (patches == null && runsConvMaxPoolAsOne(w, pool, outChannels)) {
            M pm = mem(op, "pooled", pooled, 0, pool.outputLength());
            M cm = convOut == null ? null : mem(op, "convOut", convOut, 0, pool.inputLength());
            M im = mem(op, "image", image, 0, w.inputLength());
            M wm = mem(op, "weights", weights, 0, (long) outChannels * w.patchCols());
            M bm = bias == null ? null : mem(op, "bias", bias, 0, outChannels);
            long started = begin(OpKind.CONV_FORWARD);
            runConvMaxPoolForward(pm, cm, im, wm, bm, w, pool, outChannels);
            end(started);
            return;
        }
        try (Buffer scratch = convOut == null ? allocate(pool.inputLength()) : null) {
            Buffer out = convOut == null ? scratch : convOut;
            convForward(out, image, weights, bias, patches, w, outChannels);
            maxPoolForward(pooled, out, pool);
        }
    }

    @Override
    public final void convBackwardWeightsThroughMaxPool(Buffer dWeights, Buffer dBias, Buffer dPooled, Buffer convOut, Window2d pool,
                                                        Buffer image, Buffer weights, Buffer bias, Buffer patches, Window2d w,
                                                        int outChannels) {
        Supplier<String> op = () -> "convBackwardWeightsThroughMaxPool " + w + " from " + outChannels + " channels, pooled " + pool;
        checkPooledConvolution(op, w, pool, outChannels);
        boolean fused = patches == null && (runsConvMaxPoolAsOne(w, pool, outChannels)
                || convOut != null && routesMaxPoolGradientFromImage(w, pool, outChannels));
        if (convOut == null && !fused) {
            throw new IllegalArgumentException(op.get() + ": convOut is null, but this device needs the convolution's output kept "
                    + "(convMaxPoolKeptLength is " + convMaxPoolKeptLength(w, pool, outChannels) + ")");
        }
        if (fused) {
            M dm = mem(op, "dWeights", dWeights, 0, (long) outChannels * w.patchCols());
            M bm = dBias == null ? null : mem(op, "dBias", dBias, 0, outChannels);
            M pm = mem(op, "dPooled", dPooled, 0, pool.outputLength());
            M cm = convOut == null ? null : mem(op, "convOut", convOut, 0, pool.inputLength());
            M im = mem(op, "image", image, 0, w.inputLength());
            M wm = mem(op, "weights", weights, 0, (long) outChannels * w.patchCols());
            M biasm = bias == null ? null : mem(op, "bias", bias, 0, outChannels);
            try (Profiler.Scope phase = profiler.scope(OpKind.CONV_BACKWARD_WEIGHTS)) {
                long started = begin(OpKind.CONV_BACKWARD_WEIGHTS);
                runConvBackwardWeightsThroughMaxPool(dm, bm, pm, cm, pool, im, wm, biasm, w, outChannels);
                end(started);
            }
            return;
        }
        try (Buffer dOut = allocate(pool.inputLength())) {
            maxPoolBackward(dOut, dPooled, convOut, pool);
            convBackwardWeights(dWeights, dBias, dOut, image, patches, w, outChannels);
        }
    }

    private boolean routesMaxPoolGradientFromImage(Window2d w, Window2d pool, int outChannels) {
        return convPatchLength(w, outChannels) == 0 && convolvesFromImage(OpKind.CONV_BACKWARD_WEIGHTS, w, outChannels)
                && routesMaxPoolGradient(pool, w, outChannels);
    }

    /** Throws unless {@code pool} reads exactly what the convolution {@code w} writes, and can pool it. */
    private static void checkPooledConvolution(Supplier<String> op, Window2d w, Window2d pool, int outChannels) {
        checkPositive(op, outChannels);
        if (pool.batch() != w.batch() || pool.height() != w.outHeight() || pool.width() != w.outWidth() || pool.channels() != outChannels) {
            throw new IllegalArgumentException(op.get() + ": the pool reads [" + pool.batch() + "," + pool.height() + "," + pool.width() + ","
                    + pool.channels() + "] but the convolution writes [" + w.batch() + "," + w.outHeight() + "," + w.outWidth() + ","
                    + outChannels + "]");
        }
        pool.requirePoolable();
    }

    @Override
    public final void maxPoolForward(Buffer out, Buffer in, Window2d w) {
        Supplier<String> op = () -> "maxPoolForward " + w;
        w.requirePoolable();
        long started = begin(OpKind.POOL);
        runMaxPoolForward(mem(op, "out", out, 0, w.outputLength()), mem(op, "in", in, 0, w.inputLength()), w);
        end(started);
    }

    @Override
    public final void maxPoolBackward(Buffer dIn, Buffer dOut, Buffer in, Window2d w) {
        Supplier<String> op = () -> "maxPoolBackward " + w;
        w.requirePoolable();
        long started = begin(OpKind.POOL);
        runMaxPoolBackward(mem(op, "dIn", dIn, 0, w.inputLength()), mem(op, "dOut", dOut, 0, w.outputLength()),
                mem(op, "in", in, 0, w.inputLength()), w);
        end(started);
    }

    @Override
    public final void avgPoolForward(Buffer out, Buffer in, Window2d w) {
        Supplier<String> op = () -> "avgPoolForward " + w;
        w.requirePoolable();
        long started = begin(OpKind.POOL);
        runAvgPoolForward(mem(op, "out", out, 0, w.outputLength()), mem(op, "in", in, 0, w.inputLength()), w);
        end(started);
    }

    @Override
    public final void avgPoolBackward(Buffer dIn, Buffer dOut, Window2d w) {
        Supplier<String> op = () -> "avgPoolBackward " + w;
        w.requirePoolable();
        long started = begin(OpKind.POOL);
        runAvgPoolBackward(mem(op, "dIn", dIn, 0, w.inputLength()), mem(op, "dOut", dOut, 0, w.outputLength()), w);
        end(started);
    }

    @Override
    public final void globalAvgPoolForward(Buffer out, Buffer in, int batch, int pixels, int channels) {
        Supplier<String> op = () -> "globalAvgPoolForward [" + batch + "," + pixels + "," + channels + "]";
        checkPositive(op, batch, pixels, channels);
        long started = begin(OpKind.POOL);
        runGlobalAvgPoolForward(mem(op, "out", out, 0, (long) batch * channels),
                mem(op, "in", in, 0, (long) batch * pixels * channels), batch, pixels, channels);
        end(started);
    }

    @Override
    public final void globalAvgPoolBackward(Buffer dIn, Buffer dOut, int batch, int pixels, int channels) {
        Supplier<String> op = () -> "globalAvgPoolBackward [" + batch + "," + pixels + "," + channels + "]";
        checkPositive(op, batch, pixels, channels);
        long started = begin(OpKind.POOL);
        runGlobalAvgPoolBackward(mem(op, "dIn", dIn, 0, (long) batch * pixels * channels),
                mem(op, "dOut", dOut, 0, (long) batch * channels), batch, pixels, channels);
        end(started);
    }

    // ---- bias and activations ------------------------------------------------------------------

    @Override
    public final void biasAdd(Buffer x, Buffer bias, int rows, int channels) {
        Supplier<String> op = () -> "biasAdd [" + rows + "," + channels + "]";
        checkPositive(op, rows, channels);
        long started = begin(OpKind.BIAS);
        runBiasAdd(mem(op, "x", x, 0, (long) rows * channels), mem(op, "bias", bias, 0, channels), rows, channels);
        end(started);
    }

    @Override
    public final void biasGrad(Buffer dBias, Buffer dOut, int rows, int channels) {
        Supplier<String> op = () -> "biasGrad [" + rows + "," + channels + "]";
        checkPositive(op, rows, channels);
        long started = begin(OpKind.BIAS);
        runBiasGrad(mem(op, "dBias", dBias, 0, channels), mem(op, "dOut", dOut, 0, (long) rows * channels), rows, channels);
        end(started);
    }

    @Override
    public final void activationForward(Buffer out, Buffer in, Activation activation, float alpha, int length) {
        Supplier<String> op = () -> activation + " forward";
        long started = begin(OpKind.ACTIVATION);
        runActivationForward(mem(op, "out", out, 0, length), mem(op, "in", in, 0, length), activation, alpha, length);
        end(started);
    }

    @Override
    public final void activationBackward(Buffer dIn, Buffer dOut, Buffer in, Activation activation, float alpha, int length) {
        Supplier<String> op = () -> activation + " backward";
        long started = begin(OpKind.ACTIVATION);
        runActivationBackward(mem(op, "dIn", dIn, 0, length), mem(op, "dOut", dOut, 0, length), mem(op, "in", in, 0, length),
                activation, alpha, length);
        end(started);
    }

    @Override
    public final void softmaxForward(Buffer out, Buffer in, int rows, int cols) {
        Supplier<String> op = () -> "softmaxForward [" + rows + "," + cols + "]";
        checkPositive(op, rows, cols);
        long started = begin(OpKind.ACTIVATION);
        runSoftmaxForward(mem(op, "out", out, 0, (long) rows * cols), mem(op, "in", in, 0, (long) rows * cols), rows, cols);
        end(started);
    }

    @Override
    public final void softmaxBackward(Buffer dIn, Buffer dOut, Buffer out, int rows, int cols) {
        Supplier<String> op = () -> "softmaxBackward [" + rows + "," + cols + "]";
        checkPositive(op, rows, cols);
        long n = (long) rows * cols;
        long started = begin(OpKind.ACTIVATION);
        runSoftmaxBackward(mem(op, "dIn", dIn, 0, n), mem(op, "dOut", dOut, 0, n), mem(op, "out", out, 0, n), rows, cols);
        end(started);
    }

    @Override
    public final void dropoutForward(Buffer out, Buffer mask, Buffer in, int length, float rate, long seed) {
        if (!(rate >= 0f && rate < 1f)) {
            throw new IllegalArgumentException("dropoutForward: rate must be in [0, 1), got " + rate);
        }
        long started = begin(OpKind.ELEMENTWISE);
        Supplier<String> op = () -> "dropoutForward";
        runDropoutForward(mem(op, "out", out, 0, length), mem(op, "mask", mask, 0, length), mem(op, "in", in, 0, length), length, rate, seed);
        end(started);
    }

    // ---- loss and metrics ----------------------------------------------------------------------

    @Override
    public final void pointwiseLoss(Buffer loss, int lossIndex, Buffer grad, Buffer pred, Buffer target, PointwiseLoss kind,
                                    float delta, int length) {
        Supplier<String> op = () -> kind + " loss over " + length;
        checkPositive(op, length);
        if (kind == PointwiseLoss.HUBER && !(delta > 0f)) {
            throw new IllegalArgumentException(op.get() + ": Huber delta must be > 0, got " + delta);
        }
        long started = begin(OpKind.LOSS);
        runPointwiseLoss(mem(op, "loss", loss, lossIndex, 1), lossIndex, mem(op, "grad", grad, 0, length),
                mem(op, "pred", pred, 0, length), mem(op, "target", target, 0, length), kind, delta, length);
        end(started);
    }

    @Override
    public final void softmaxCrossEntropyForward(Buffer loss, int lossIndex, Buffer probs, Buffer logits, Buffer labels,
                                                 int rows, int classes) {
        Supplier<String> op = () -> "softmaxCrossEntropyForward [" + rows + "," + classes + "]";
        checkPositive(op, rows, classes);
        long started = begin(OpKind.LOSS);
        runSoftmaxCrossEntropyForward(mem(op, "loss", loss, lossIndex, 1), lossIndex, mem(op, "probs", probs, 0, (long) rows * classes),
                mem(op, "logits", logits, 0, (long) rows * classes), mem(op, "labels", labels, 0, rows), rows, classes);
        end(started);
    }

    @Override
    public final void softmaxCrossEntropyBackward(Buffer dLogits, Buffer probs, Buffer labels, int rows, int classes, float scale) {
        Supplier<String> op = () -> "softmaxCrossEntropyBackward [" + rows + "," + classes + "]";
        checkPositive(op, rows, classes);
        long started = begin(OpKind.LOSS);
        runSoftmaxCrossEntropyBackward(mem(op, "dLogits", dLogits, 0, (long) rows * classes),
                mem(op, "probs", probs, 0, (long) rows * classes), mem(op, "labels", labels, 0, rows), rows, classes, scale);
        end(started);
    }

    @Override
    public final void argmax(Buffer out, Buffer x, int rows, int cols) {
        Supplier<String> op = () -> "argmax [" + rows + "," + cols + "]";
        checkPositive(op, rows, cols);
        long started = begin(OpKind.LOSS);
        runArgmax(mem(op, "out", out, 0, rows), mem(op, "x", x, 0, (long) rows * cols), rows, cols);
        end(started);
    }

    @Override
    public final void correctCount(Buffer out, int outIndex, Buffer logits, Buffer labels, int rows, int classes) {
        Supplier<String> op = () -> "correctCount [" + rows + "," + classes + "]";
        checkPositive(op, rows, classes);
        long started = begin(OpKind.LOSS);
        runCorrectCount(mem(op, "out", out, outIndex, 1), outIndex, mem(op, "logits", logits, 0, (long) rows * classes),
                mem(op, "labels", labels, 0, rows), rows, classes);
        end(started);
    }

    // ---- elementwise ---------------------------------------------------------------------------

    @Override
    public final void add(Buffer out, Buffer a, Buffer b, int length) {
        long started = begin(OpKind.ELEMENTWISE);
        Supplier<String> op = () -> "add";
        runAdd(mem(op, "out", out, 0, length), mem(op, "a", a, 0, length), mem(op, "b", b, 0, length), length);
        end(started);
    }

    @Override
    public final void mul(Buffer out, Buffer a, Buffer b, int length) {
        long started = begin(OpKind.ELEMENTWISE);
        Supplier<String> op = () -> "mul";
        runMul(mem(op, "out", out, 0, length), mem(op, "a", a, 0, length), mem(op, "b", b, 0, length), length);
        end(started);
    }

    @Override
    public final void axpy(Buffer y, float alpha, Buffer x, int length) {
        long started = begin(OpKind.ELEMENTWISE);
        Supplier<String> op = () -> "axpy";
        runAxpy(mem(op, "y", y, 0, length), alpha, mem(op, "x", x, 0, length), length);
        end(started);
    }

    @Override
    public final void scale(Buffer x, float alpha, int length) {
        long started = begin(OpKind.ELEMENTWISE);
        runScale(mem(() -> "scale", "x", x, 0, length), alpha, length);
        end(started);
    }

    @Override
    public final void fill(Buffer x, float value, int length) {
        long started = begin(OpKind.ELEMENTWISE);
        runFill(mem(() -> "fill", "x", x, 0, length), value, length);
        end(started);
    }

    @Override
    public final void copy(Buffer dst, int dstOffset, Buffer src, int srcOffset, int length) {
        if (dst == src && dstOffset < srcOffset + length && srcOffset < dstOffset + length) {
            throw new IllegalArgumentException("copy: overlapping ranges [" + srcOffset + "," + (srcOffset + length) + ") -> ["
                    + dstOffset + "," + (dstOffset + length) + ") in one buffer");
        }
        long started = begin(OpKind.ELEMENTWISE);
        Supplier<String> op = () -> "copy";
        runCopy2d(mem(op, "dst", dst, dstOffset, length), dstOffset, length, mem(op, "src", src, srcOffset, length),
                srcOffset, length, length == 0 ? 0 : 1, length);
        end(started);
    }

    @Override
    public final void copy2d(Buffer dst, int dstOffset, int dstStride, Buffer src, int srcOffset, int srcStride, int rows, int cols) {
        Supplier<String> op = () -> "copy2d " + rows + "x" + cols;
        checkLeading(op, "dst", dstStride, cols);
        checkLeading(op, "src", srcStride, cols);
        if (rows == 0 || cols == 0) {
            return;
        }
        long started = begin(OpKind.ELEMENTWISE);
        runCopy2d(mem(op, "dst", dst, dstOffset, matrixExtent(rows, cols, dstStride)), dstOffset, dstStride,
                mem(op, "src", src, srcOffset, matrixExtent(rows, cols, srcStride)), srcOffset, srcStride, rows, cols);
        end(started);
    }

    @Override
    public final void clamp(Buffer x, float lo, float hi, int length) {
        if (!(lo <= hi)) {
            throw new IllegalArgumentException("clamp: lo " + lo + " must not exceed hi " + hi);
        }
        long started = begin(OpKind.ELEMENTWISE);
        runClamp(mem(() -> "clamp", "x", x, 0, length), lo, hi, length);
        end(started);
    }

    @Override
    public final void scaleToMaxNorm(Buffer x, int length, Buffer sumOfSquares, int index, float maxNorm) {
        if (!(maxNorm > 0f)) {
            throw new IllegalArgumentException("scaleToMaxNorm: maxNorm must be > 0, got " + maxNorm);
        }
        Supplier<String> op = () -> "scaleToMaxNorm";
        long started = begin(OpKind.ELEMENTWISE);
        runScaleToMaxNorm(mem(op, "x", x, 0, length), length, mem(op, "sumOfSquares", sumOfSquares, index, 1), index, maxNorm);
        end(started);
    }

    // ---- reductions ----------------------------------------------------------------------------

    @Override
    public final void sum(Buffer out, int outIndex, Buffer x, int length) {
        Supplier<String> op = () -> "sum";
        long started = begin(OpKind.REDUCTION);
        runSum(mem(op, "out", out, outIndex, 1), outIndex, mem(op, "x", x, 0, length), length, false);
        end(started);
    }

    @Override
    public final void sumOfSquares(Buffer out, int outIndex, Buffer x, int length) {
        Supplier<String> op = () -> "sumOfSquares";
        long started = begin(OpKind.REDUCTION);
        runSum(mem(op, "out", out, outIndex, 1), outIndex, mem(op, "x", x, 0, length), length, true);
        end(started);
    }

    // ---- optimizers ----------------------------------------------------------------------------

    @Override
    public final void sgdUpdate(Buffer param, Buffer velocity, Buffer grad, int length,
                                float lr, float momentum, float weightDecay, boolean nesterov) {
        Supplier<String> op = () -> "sgdUpdate";
        if (momentum == 0f && !nesterov) {
            long started = begin(OpKind.OPTIMIZER);
            runSgdUpdate(mem(op, "param", param, 0, length), null, mem(op, "grad", grad, 0, length), length, lr, 0f, weightDecay, false);
            end(started);
            return;
        }
        long started = begin(OpKind.OPTIMIZER);
        runSgdUpdate(mem(op, "param", param, 0, length), mem(op, "velocity", velocity, 0, length), mem(op, "grad", grad, 0, length),
                length, lr, momentum, weightDecay, nesterov);
        end(started);
    }

    @Override
    public final void adamUpdate(Buffer param, Buffer m, Buffer v, Buffer grad, int length,
                                 float lr, float beta1, float beta2, float eps, float weightDecay, int t) {
        if (t < 1) {
            throw new IllegalArgumentException("adamUpdate: step t must be >= 1, got " + t);
        }
        // Bias corrections in double on the host: the device only sees two scalars per step.
        float correction1 = (float) (1.0 / (1.0 - Math.pow(beta1, t)));
        float correction2 = (float) (1.0 / (1.0 - Math.pow(beta2, t)));
        Supplier<String> op = () -> "adamUpdate";
        long started = begin(OpKind.OPTIMIZER);
        runAdamUpdate(mem(op, "param", param, 0, length), mem(op, "m", m, 0, length), mem(op, "v", v, 0, length),
                mem(op, "grad", grad, 0, length), length,
                lr, beta1, beta2, eps, weightDecay, correction1, correction2);
        end(started);
    }

    /** The backend memory of a buffer this device made for its own scratch use. */
    @SuppressWarnings("unchecked")
    protected final M memory(Buffer scratch) {
        return ((PooledBuffer<M>) scratch).memory(() -> "scratch", "scratch");
    }

    // ---- backend hooks: arguments already checked ------------------------------------------------

    protected abstract void runUpload(M dst, int dstOffset, float[] src, int srcOffset, int length);

    protected abstract void runDownload(float[] dst, int dstOffset, M src, int srcOffset, int length);

    protected abstract void runGemm(boolean transA, boolean transB, int m, int n, int k,
                                    float alpha, M a, int aOffset, int lda, int strideA,
                                    M b, int bOffset, int ldb, int strideB,
                                    float beta, M c, int cOffset, int ldc, int strideC, int batch);

    protected abstract void runIm2col(M cols, M image, Window2d w);

    protected abstract void runCol2im(M image, M cols, Window2d w);

    /**
     * Whether this backend runs convolution pass {@code pass} ({@link OpKind#CONV_FORWARD},
     * {@link OpKind#CONV_BACKWARD_DATA} or {@link OpKind#CONV_BACKWARD_WEIGHTS}) straight from the image with
     * its {@code runConv...} hook; otherwise the pass runs as {@link #im2col} or {@link #col2im} and GEMM. The
     * default is never: a backend overrides this and the hooks where it has a faster way.
     */
    protected boolean convolvesFromImage(OpKind pass, Window2d w, int outChannels) {
        return false;
    }

    /** {@code bias} is null for none. */
    protected void runConvForward(M out, M image, M weights, M bias, Window2d w, int outChannels) {
        throw new UnsupportedOperationException("convForward from the image on " + info().id());
    }

    protected void runConvBackwardData(M dImage, M dOut, M weights, Window2d w, int outChannels) {
        throw new UnsupportedOperationException("convBackwardData from the image on " + info().id());
    }

    /**
     * Whether {@link #runConvBackwardWeights} sums the bias gradient in its own pass over dOut; if not, the bias
     * gradient runs as {@link #biasGrad} and the hook gets none. Asked only where {@link #convolvesFromImage} is true.
     */
    protected boolean sumsBiasGradientFromImage(Window2d w, int outChannels) {
        return false;
    }

    /** {@code dBias} is null for none, and never given unless {@link #sumsBiasGradientFromImage}. */
    protected void runConvBackwardWeights(M dWeights, M dBias, M dOut, M image, Window2d w, int outChannels) {
        throw new UnsupportedOperationException("convBackwardWeights from the image on " + info().id());
    }

    /**
     * Whether {@link #runConvMaxPoolForward} and {@link #runConvBackwardWeightsThroughMaxPool} run this convolution
     * under max pool {@code pool} as one op, the backward with or without the convolution's output kept; asked only
     * where {@link #convolvesFromImage} runs the forward and the weight gradient and keeps no patch matrix. The
     * default is never: the separate ops run, with the convolution's output kept in between.
     */
    protected boolean fusesMaxPool(Window2d pool, Window2d w, int outChannels) {
        return false;
    }

    /**
     * Whether {@link #runConvBackwardWeightsThroughMaxPool} runs this weight gradient under max pool {@code pool}
     * with the convolution's output kept, where the forward was not one op with the pool; asked only where
     * {@link #convolvesFromImage} runs the weight gradient and keeps no patch matrix. The default is never.
     */
    protected boolean routesMaxPoolGradient(Window2d pool, Window2d w, int outChannels) {
        return false;
    }

    /** The fused {@link #convMaxPoolForward}; {@code convOut} null when the output is not to be kept, {@code bias} null for none. */
    protected void runConvMaxPoolForward(M pooled, M convOut, M image, M weights, M bias, Window2d w, Window2d pool, int outChannels) {
        throw new UnsupportedOperationException("convMaxPoolForward on " + info().id());
    }

    /**
     * The fused {@link #convBackwardWeightsThroughMaxPool}; {@code dBias} is null for none (the hook sums it itself),
     * {@code convOut} null when it is to be computed again from the image, {@code weights} and {@code bias}.
     */
    protected void runConvBackwardWeightsThroughMaxPool(M dWeights, M dBias, M dPooled, M convOut, Window2d pool, M image, M weights,
                                                        M bias, Window2d w, int outChannels) {
        throw new UnsupportedOperationException("convBackwardWeightsThroughMaxPool on " + info().id());
    }

    protected abstract void runMaxPoolForward(M out, M in, Window2d w);

    protected abstract void runMaxPoolBackward(M dIn, M dOut, M in, Window2d w);

    protected abstract void runAvgPoolForward(M out, M in, Window2d w);

    protected abstract void runAvgPoolBackward(M dIn, M dOut, Window2d w);

    protected abstract void runGlobalAvgPoolForward(M out, M in, int batch, int pixels, int channels);

    protected abstract void runGlobalAvgPoolBackward(M dIn, M dOut, int batch, int pixels, int channels);

    protected abstract void runBiasAdd(M x, M bias, int rows, int channels);

    protected abstract void runBiasGrad(M dBias, M dOut, int rows, int channels);

    protected abstract void runActivationForward(M out, M in, Activation activation, float alpha, int length);

    protected abstract void runActivationBackward(M dIn, M dOut, M in, Activation activation, float alpha, int length);

    protected abstract void runSoftmaxCrossEntropyForward(M loss, int lossIndex, M probs, M logits, M labels, int rows, int classes);

    protected abstract void runSoftmaxCrossEntropyBackward(M dLogits, M probs, M labels, int rows, int classes, float scale);

    protected abstract void runArgmax(M out, M x, int rows, int cols);

    protected abstract void runSoftmaxForward(M out, M in, int rows, int cols);

    protected abstract void runSoftmaxBackward(M dIn, M dOut, M out, int rows, int cols);

    protected abstract void runDropoutForward(M out, M mask, M in, int length, float rate, long seed);

    protected abstract void runPointwiseLoss(M loss, int lossIndex, M grad, M pred, M target, PointwiseLoss kind, float delta,
                                             int length);

    protected abstract void runClamp(M x, float lo, float hi, int length);

    protected abstract void runScaleToMaxNorm(M x, int length, M sumOfSquares, int index, float maxNorm);

    protected abstract void runCorrectCount(M out, int outIndex, M logits, M labels, int rows, int classes);

    protected abstract void runAdd(M out, M a, M b, int length);

    protected abstract void runMul(M out, M a, M b, int length);

    protected abstract void runAxpy(M y, float alpha, M x, int length);

    protected abstract void runScale(M x, float alpha, int length);

    protected abstract void runFill(M x, float value, int length);

    /** Also serves plain {@code copy} as one row. */
    protected abstract void runCopy2d(M dst, int dstOffset, int dstStride, M src, int srcOffset, int srcStride, int rows, int cols);

    protected abstract void runSum(M out, int outIndex, M x, int length, boolean squares);

    /** {@code velocity} is null when momentum is 0. */
    protected abstract void runSgdUpdate(M param, M velocity, M grad, int length, float lr, float momentum, float weightDecay,
                                         boolean nesterov);

    /** {@code correction1 = 1/(1-beta1^t)}, {@code correction2 = 1/(1-beta2^t)}. */
    protected abstract void runAdamUpdate(M param, M m, M v, M grad, int length, float lr, float beta1, float beta2, float eps,
                                          float weightDecay, float correction1, float correction2);

    // ---- checks --------------------------------------------------------------------------------

    /** The backend memory of {@code buffer}, after checking it belongs here and holds {@code [offset, offset+needed)}. */
    @SuppressWarnings("unchecked")
    private M mem(Supplier<String> op, String name, Buffer buffer, long offset, long needed) {
        if (buffer == null) {
            throw new IllegalArgumentException(op.get() + ": buffer '" + name + "' is null");
        }
        if (buffer.device() != this || !(buffer instanceof PooledBuffer)) {
            throw new IllegalArgumentException(op.get() + ": buffer '" + name + "' lives on " + buffer.device().info().id()
                    + ", not on " + info().id());
        }
        if (offset < 0 || needed < 0) {
            throw new IllegalArgumentException(op.get() + ": buffer '" + name + "' offset " + offset + " and length " + needed
                    + " must be >= 0");
        }
        if (offset + needed > buffer.length()) {
            throw new IllegalArgumentException(op.get() + ": buffer '" + name + "' holds " + buffer.length() + " floats but needs "
                    + (offset + needed) + (offset > 0 ? " (offset " + offset + " + " + needed + ")" : ""));
        }
        return ((PooledBuffer<M>) buffer).memory(op, name);
    }

    private static long matrixExtent(int rows, int cols, int ld) {
        return rows == 0 || cols == 0 ? 0 : (long) (rows - 1) * ld + cols;
    }

    private static void checkLeading(Supplier<String> op, String name, int ld, int cols) {
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException(op.get() + ": leading dimension of " + name + " is " + ld + " but a row has " + cols
                    + " columns");
        }
    }

    private static void checkPositive(Supplier<String> op, int... sizes) {
        for (int s : sizes) {
            if (s < 1) {
                throw new IllegalArgumentException(op.get() + ": sizes must be >= 1");
            }
        }
    }

    private static void checkHostRange(Supplier<String> op, float[] array, int offset, int length) {
        if (array == null || offset < 0 || length < 0 || (long) offset + length > array.length) {
            throw new IllegalArgumentException(op.get() + ": host range [" + offset + ", " + ((long) offset + length) + ") outside an array of "
                    + (array == null ? "null" : array.length));
        }
    }
}
