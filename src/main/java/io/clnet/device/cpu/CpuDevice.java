package io.clnet.device.cpu;

import io.clnet.device.Activation;
import io.clnet.device.BaseDevice;
import io.clnet.device.BufferPool;
import io.clnet.device.DeviceInfo;
import io.clnet.device.OpKind;
import io.clnet.device.PointwiseLoss;
import io.clnet.device.Window2d;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The pure-Java backend and the reference every other backend is checked against: plain loops split over
 * every core, plus a fast GEMM. Buffers are {@code float[]}. Results are identical run to run: every
 * output element is produced by one thread in a fixed order, and reductions combine fixed-size chunks in order.
 */
public final class CpuDevice extends BaseDevice<float[]> {
    private static final int ELEMENTWISE_GRAIN = 1 << 15;
    /** Reductions sum chunks of this many elements, then the chunk sums in order: deterministic for a given length. */
    private static final int REDUCE_CHUNK = 1 << 13;

    private final CpuGemm gemm;
    /** Convolutions straight from the image, first choice first; none runs them as im2col + GEMM (the scalar path, the reference). */
    private final List<CpuConv> convs;
    /** Vector API ReLU and pooling; null runs them as scalar loops. */
    private final CpuLoops loops;
    private final DeviceInfo info;

    /** The CPU backend with the fastest GEMM this JVM can run. */
    public CpuDevice() {
        this(true);
    }

    /** @param allowVectorGemm false forces the scalar GEMM (tests run both paths) */
    public CpuDevice(boolean allowVectorGemm) {
        super(new BufferPool.Allocator<>() {
            @Override
            public float[] allocate(int length) {
                return new float[length];
            }

            @Override
            public void free(float[] memory) {
                // the garbage collector frees host arrays
            }
        });
        this.gemm = allowVectorGemm ? CpuGemms.best() : new ScalarGemm();
        this.convs = allowVectorGemm ? CpuGemms.vectorConvs() : List.of();
        this.loops = allowVectorGemm ? CpuGemms.vectorLoops() : null;
        CpuThreads.count(); // a bad CLNET_THREADS fails here, with its name, not in Parallel's initialiser
        this.info = new DeviceInfo("cpu", "cpu", cpuModelName(), "CPU", Parallel.THREADS, Runtime.getRuntime().maxMemory(),
                "Java " + Runtime.version() + ", " + gemm.description() + ", " + Parallel.THREADS + (Parallel.THREADS == 1 ? " thread" : " threads") + " on "
                        + Runtime.getRuntime().availableProcessors() + " cores");
    }

    @Override
    public double measurePeakGflops() {
        return gemm.measurePeakGflops();
    }

    @Override
    public DeviceInfo info() {
        return info;
    }

    @Override
    public void finish() {
        // every CPU op has finished when it returns
    }

    @Override
    protected void runUpload(float[] dst, int dstOffset, float[] src, int srcOffset, int length) {
        System.arraycopy(src, srcOffset, dst, dstOffset, length);
    }

    @Override
    protected void runDownload(float[] dst, int dstOffset, float[] src, int srcOffset, int length) {
        System.arraycopy(src, srcOffset, dst, dstOffset, length);
    }

    @Override
    protected void runGemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOffset, int lda,
                           int strideA, float[] b, int bOffset, int ldb, int strideB, float beta, float[] c, int cOffset, int ldc,
                           int strideC, int batch) {
        for (int i = 0; i < batch; i++) {
            gemm.gemm(transA, transB, m, n, k, alpha, a, aOffset + i * strideA, lda, b, bOffset + i * strideB, ldb,
                    beta, c, cOffset + i * strideC, ldc);
        }
    }

    @Override
    protected boolean convolvesFromImage(OpKind pass, Window2d w, int outChannels) {
        return convFor(pass, w, outChannels) != null;
    }

    /** The first convolution that runs {@code pass} on this window, or null. */
    private CpuConv convFor(OpKind pass, Window2d w, int outChannels) {
        for (CpuConv conv : convs) {
            if (conv.suits(pass, w, outChannels)) {
                return conv;
            }
        }
        return null;
    }

    @Override
    protected void runConvForward(float[] out, float[] image, float[] weights, float[] bias, Window2d w, int outChannels) {
        convFor(OpKind.CONV_FORWARD, w, outChannels).forward(out, image, weights, bias, w, outChannels);
    }

    @Override
    protected void runConvBackwardData(float[] dImage, float[] dOut, float[] weights, Window2d w, int outChannels) {
        convFor(OpKind.CONV_BACKWARD_DATA, w, outChannels).backwardData(dImage, dOut, weights, w, outChannels);
    }

    @Override
    protected boolean sumsBiasGradientFromImage(Window2d w, int outChannels) {
        return convFor(OpKind.CONV_BACKWARD_WEIGHTS, w, outChannels).sumsBiasGradient();
    }

    @Override
    protected void runConvBackwardWeights(float[] dWeights, float[] dBias, float[] dOut, float[] image, Window2d w, int outChannels) {
        convFor(OpKind.CONV_BACKWARD_WEIGHTS, w, outChannels).backwardWeights(dWeights, dBias, dOut, image, w, outChannels);
    }

    @Override
    protected void runIm2col(float[] cols, float[] image, Window2d w) {
        CpuWindowOps.im2col(cols, image, w);
    }

    @Override
    protected void runCol2im(float[] image, float[] cols, Window2d w) {
        CpuWindowOps.col2im(image, cols, w, loops);
    }

    /** Only a convolution that sums the bias gradient itself: the fused backward is handed dBias. */
    @Override
    protected boolean fusesMaxPool(Window2d pool, Window2d w, int outChannels) {
        CpuConv conv = convFor(OpKind.CONV_BACKWARD_WEIGHTS, w, outChannels);
        return conv != null && conv == convFor(OpKind.CONV_FORWARD, w, outChannels) && conv.sumsBiasGradient()
                && conv.suitsThroughMaxPool(pool, w, outChannels);
    }

    /** The weight gradient's convolution, when it sums the bias gradient itself and routes the pool's gradient. */
    @Override
    protected boolean routesMaxPoolGradient(Window2d pool, Window2d w, int outChannels) {
        CpuConv conv = convFor(OpKind.CONV_BACKWARD_WEIGHTS, w, outChannels);
        return conv != null && conv.sumsBiasGradient() && conv.routesMaxPoolGradient(pool, w, outChannels);
    }

    @Override
    protected void runConvMaxPoolForward(float[] pooled, float[] convOut, float[] image, float[] weights, float[] bias, Window2d w,
                                         Window2d pool, int outChannels) {
        convFor(OpKind.CONV_FORWARD, w, outChannels).forwardThroughMaxPool(pooled, convOut, image, weights, bias, w, pool, outChannels);
    }

    @Override
    protected void runConvBackwardWeightsThroughMaxPool(float[] dWeights, float[] dBias, float[] dPooled, float[] convOut, Window2d pool,
                                                        float[] image, float[] weights, float[] bias, Window2d w, int outChannels) {
        convFor(OpKind.CONV_BACKWARD_WEIGHTS, w, outChannels)
                .backwardWeightsThroughMaxPool(dWeights, dBias, dPooled, convOut, pool, image, weights, bias, w, outChannels);
    }

    @Override
    protected void runMaxPoolForward(float[] out, float[] in, Window2d w) {
        if (loops != null && loops.suitsMaxPool(w)) {
            loops.maxPool2x2Forward(out, in, w);
            return;
        }
        CpuWindowOps.maxPoolForward(out, in, w);
    }

    @Override
    protected void runMaxPoolBackward(float[] dIn, float[] dOut, float[] in, Window2d w) {
        if (loops != null && loops.suitsMaxPool(w)) {
            loops.maxPool2x2Backward(dIn, dOut, in, w);
            return;
        }
        CpuWindowOps.maxPoolBackward(dIn, dOut, in, w);
    }

    @Override
    protected void runAvgPoolForward(float[] out, float[] in, Window2d w) {
        CpuWindowOps.avgPoolForward(out, in, w);
    }

    @Override
    protected void runAvgPoolBackward(float[] dIn, float[] dOut, Window2d w) {
        CpuWindowOps.avgPoolBackward(dIn, dOut, w);
    }

    @Override
    protected void runGlobalAvgPoolForward(float[] out, float[] in, int batch, int pixels, int channels) {
        float inv = 1f / pixels;
        Parallel.forRange(batch, 1, (from, to) -> {
            for (int n = from; n < to; n++) {
                for (int c = 0; c < channels; c++) {
                    float sum = 0f;
                    for (int p = 0; p < pixels; p++) {
                        sum += in[(n * pixels + p) * channels + c];
                    }
                    out[n * channels + c] = sum * inv;
                }
            }
        });
    }

    @Override
    protected void runGlobalAvgPoolBackward(float[] dIn, float[] dOut, int batch, int pixels, int channels) {
        float inv = 1f / pixels;
        Parallel.forRange(batch * pixels, ELEMENTWISE_GRAIN / channels + 1, (from, to) -> {
            for (int row = from; row < to; row++) {
                int n = row / pixels;
                for (int c = 0; c < channels; c++) {
                    dIn[row * channels + c] = dOut[n * channels + c] * inv;
                }
            }
        });
    }

    @Override
    protected void runBiasAdd(float[] x, float[] bias, int rows, int channels) {
        int span = rowsPerSpan(channels);
        float[] pattern = repeated(bias, channels, span);
        // One flat loop over a span of rows against the bias repeated: the JIT vectorises it for any channel count.
        Parallel.forRange(rows, ELEMENTWISE_GRAIN / channels + 1, (from, to) -> {
            for (int r = from; r < to; r += span) {
                int start = r * channels, length = Math.min(span, to - r) * channels;
                for (int i = 0; i < length; i++) {
                    x[start + i] += pattern[i];
                }
            }
        });
    }

    @Override
    protected void runBiasGrad(float[] dBias, float[] dOut, int rows, int channels) {
        int span = rowsPerSpan(channels), rowsPerChunk = Math.max(span, REDUCE_CHUNK / channels / span * span);
        int chunks = (rows + rowsPerChunk - 1) / rowsPerChunk;
        // Float sums over a chunk, a span of rows at a time in one flat loop the JIT vectorises; then the
        // chunks' spans in double, in a fixed order.
        float[][] partial = new float[chunks][span * channels];
        Parallel.forRange(chunks, 1, (from, to) -> {
            for (int t = from; t < to; t++) {
                float[] sum = partial[t];
                for (int r = t * rowsPerChunk; r < Math.min(rows, (t + 1) * rowsPerChunk); r += span) {
                    int start = r * channels, length = Math.min(span, rows - r) * channels;
                    for (int i = 0; i < length; i++) {
                        sum[i] += dOut[start + i];
                    }
                }
            }
        });
        for (int c = 0; c < channels; c++) {
            double total = 0;
            for (float[] chunk : partial) {
                for (int i = c; i < chunk.length; i += channels) {
                    total += chunk[i];
                }
            }
            dBias[c] = (float) total;
        }
    }

    /** Rows handled per flat loop by the bias ops: about 256 floats. */
    private static int rowsPerSpan(int channels) {
        return Math.max(1, 256 / channels);
    }

    /** {@code values} repeated {@code times} times. */
    private static float[] repeated(float[] values, int length, int times) {
        float[] out = new float[length * times];
        for (int t = 0; t < times; t++) {
            System.arraycopy(values, 0, out, t * length, length);
        }
        return out;
    }

    @Override
    protected void runActivationForward(float[] out, float[] in, Activation act, float alpha, int length) {
        if (act == Activation.RELU && loops != null) {
            Parallel.forRange(length, ELEMENTWISE_GRAIN, (from, to) -> loops.reluForward(out, in, from, to));
            return;
        }
        if (act == Activation.RELU) { // the common case
            Parallel.forRange(length, ELEMENTWISE_GRAIN, (from, to) -> {
                for (int i = from; i < to; i++) {
                    out[i] = in[i] > 0f ? in[i] : 0f;
                }
            });
            return;
        }
        Parallel.forRange(length, ELEMENTWISE_GRAIN / 8, (from, to) -> {
            for (int i = from; i < to; i++) {
                out[i] = act.forward(in[i], alpha);
            }
        });
    }

    @Override
    protected void runActivationBackward(float[] dIn, float[] dOut, float[] in, Activation act, float alpha, int length) {
        if (act == Activation.RELU && loops != null) {
            Parallel.forRange(length, ELEMENTWISE_GRAIN, (from, to) -> loops.reluBackward(dIn, dOut, in, from, to));
            return;
        }
        if (act == Activation.RELU) {
            Parallel.forRange(length, ELEMENTWISE_GRAIN, (from, to) -> {
                for (int i = from; i < to; i++) {
                    dIn[i] = in[i] > 0f ? dOut[i] : 0f;
                }
            });
            return;
        }
        Parallel.forRange(length, ELEMENTWISE_GRAIN / 8, (from, to) -> {
            for (int i = from; i < to; i++) {
                dIn[i] = dOut[i] * act.derivative(in[i], alpha);
            }
        });
    }

    @Override
    protected void runSoftmaxCrossEntropyForward(float[] loss, int lossIndex, float[] probs, float[] logits, float[] labels,
                                                 int rows, int classes) {
        CpuLossOps.softmaxForward(probs, logits, rows, classes);
        float[] rowLoss = new float[rows];
        for (int r = 0; r < rows; r++) {
            int label = labelOf(labels[r], classes);
            rowLoss[r] = label < 0 ? Float.NaN : -(float) Math.log(Math.max(probs[r * classes + label], 1e-12f));
        }
        loss[lossIndex] = orderedSum(rowLoss, rows, false) / rows;
    }

    @Override
    protected void runSoftmaxCrossEntropyBackward(float[] dLogits, float[] probs, float[] labels, int rows, int classes, float scale) {
        float s = scale / rows;
        Parallel.forRange(rows, ELEMENTWISE_GRAIN / classes + 1, (from, to) -> {
            for (int r = from; r < to; r++) {
                int label = labelOf(labels[r], classes);
                for (int j = 0; j < classes; j++) {
                    dLogits[r * classes + j] = s * (probs[r * classes + j] - (j == label ? 1f : 0f));
                }
            }
        });
    }

    @Override
    protected void runSoftmaxForward(float[] out, float[] in, int rows, int cols) {
        CpuLossOps.softmaxForward(out, in, rows, cols);
    }

    @Override
    protected void runSoftmaxBackward(float[] dIn, float[] dOut, float[] out, int rows, int cols) {
        CpuLossOps.softmaxBackward(dIn, dOut, out, rows, cols);
    }

    @Override
    protected void runDropoutForward(float[] out, float[] mask, float[] in, int length, float rate, long seed) {
        CpuLossOps.dropoutForward(out, mask, in, length, rate, seed);
    }

    @Override
    protected void runPointwiseLoss(float[] loss, int lossIndex, float[] grad, float[] pred, float[] target, PointwiseLoss kind,
                                    float delta, int length) {
        float[] perElement = new float[length];
        CpuLossOps.pointwiseLoss(perElement, grad, pred, target, kind, delta, length);
        loss[lossIndex] = orderedSum(perElement, length, false) / length;
    }

    @Override
    protected void runClamp(float[] x, float lo, float hi, int length) {
        CpuLossOps.clamp(x, lo, hi, length);
    }

    @Override
    protected void runScaleToMaxNorm(float[] x, int length, float[] sumOfSquares, int index, float maxNorm) {
        CpuLossOps.scaleToMaxNorm(x, length, sumOfSquares[index], maxNorm);
    }

    @Override
    protected void runArgmax(float[] out, float[] x, int rows, int cols) {
        Parallel.forRange(rows, ELEMENTWISE_GRAIN / cols + 1, (from, to) -> {
            for (int r = from; r < to; r++) {
                out[r] = rowArgmax(x, r * cols, cols);
            }
        });
    }

    @Override
    protected void runCorrectCount(float[] out, int outIndex, float[] logits, float[] labels, int rows, int classes) {
        int correct = 0;
        for (int r = 0; r < rows; r++) {
            if (rowArgmax(logits, r * classes, classes) == labelOf(labels[r], classes)) {
                correct++;
            }
        }
        out[outIndex] = correct;
    }

    @Override
    protected void runAdd(float[] out, float[] a, float[] b, int length) {
        Parallel.forRange(length, ELEMENTWISE_GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                out[i] = a[i] + b[i];
            }
        });
    }

    @Override
    protected void runMul(float[] out, float[] a, float[] b, int length) {
        Parallel.forRange(length, ELEMENTWISE_GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                out[i] = a[i] * b[i];
            }
        });
    }

    @Override
    protected void runAxpy(float[] y, float alpha, float[] x, int length) {
        Parallel.forRange(length, ELEMENTWISE_GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                y[i] += alpha * x[i];
            }
        });
    }

    @Override
    protected void runScale(float[] x, float alpha, int length) {
        Parallel.forRange(length, ELEMENTWISE_GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                x[i] *= alpha;
            }
        });
    }

    @Override
    protected void runFill(float[] x, float value, int length) {
        Arrays.fill(x, 0, length, value);
    }

    @Override
    protected void runCopy2d(float[] dst, int dstOffset, int dstStride, float[] src, int srcOffset, int srcStride, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(src, srcOffset + r * srcStride, dst, dstOffset + r * dstStride, cols);
        }
    }

    @Override
    protected void runSum(float[] out, int outIndex, float[] x, int length, boolean squares) {
        out[outIndex] = orderedSum(x, length, squares);
    }

    @Override
    protected void runSgdUpdate(float[] param, float[] velocity, float[] grad, int length, float lr, float momentum,
                                float weightDecay, boolean nesterov) {
        Parallel.forRange(length, ELEMENTWISE_GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                float g = grad[i] + weightDecay * param[i];
                if (velocity == null) {
                    param[i] -= lr * g;
                    continue;
                }
                float v = momentum * velocity[i] + g;
                velocity[i] = v;
                param[i] -= lr * (nesterov ? g + momentum * v : v);
            }
        });
    }

    @Override
    protected void runAdamUpdate(float[] param, float[] m, float[] v, float[] grad, int length, float lr, float beta1, float beta2,
                                 float eps, float weightDecay, float correction1, float correction2) {
        Parallel.forRange(length, ELEMENTWISE_GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                float g = grad[i] + weightDecay * param[i];
                float mi = beta1 * m[i] + (1f - beta1) * g;
                float vi = beta2 * v[i] + (1f - beta2) * g * g;
                m[i] = mi;
                v[i] = vi;
                param[i] -= lr * (mi * correction1) / ((float) Math.sqrt(vi * correction2) + eps);
            }
        });
    }

    /** Sum over fixed chunks, then over the chunk sums in order: the same bits for the same input every run. */
    private static float orderedSum(float[] x, int length, boolean squares) {
        int chunks = (length + REDUCE_CHUNK - 1) / REDUCE_CHUNK;
        double[] partial = new double[chunks];
        Parallel.forRange(chunks, 1, (from, to) -> {
            for (int t = from; t < to; t++) {
                double s = 0;
                for (int i = t * REDUCE_CHUNK; i < Math.min(length, (t + 1) * REDUCE_CHUNK); i++) {
                    s += squares ? (double) x[i] * x[i] : x[i];
                }
                partial[t] = s;
            }
        });
        double total = 0;
        for (double p : partial) {
            total += p;
        }
        return (float) total;
    }

    private static int rowArgmax(float[] x, int base, int cols) {
        int best = 0;
        for (int j = 1; j < cols; j++) {
            if (x[base + j] > x[base + best]) {
                best = j;
            }
        }
        return best;
    }

    /** The integer label, or -1 when it is not one of {@code 0..classes-1} (the loss is then NaN). */
    private static int labelOf(float label, int classes) {
        int l = (int) label;
        return l == label && l >= 0 && l < classes ? l : -1;
    }

    private static String cpuModelName() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through to the generic name
        }
        return System.getProperty("os.arch") + " CPU";
    }
}
