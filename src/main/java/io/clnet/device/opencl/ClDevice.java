package io.clnet.device.opencl;

import io.clnet.device.Activation;
import io.clnet.device.BaseDevice;
import io.clnet.device.Buffer;
import io.clnet.device.BufferPool;
import io.clnet.device.DeviceInfo;
import io.clnet.device.DeviceUnavailableException;
import io.clnet.device.PointwiseLoss;
import io.clnet.device.Window2d;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_kernel;
import org.jocl.cl_event;
import org.jocl.cl_mem;
import org.jocl.cl_queue_properties;

import java.nio.file.Path;

import static org.jocl.CL.*;

/**
 * The OpenCL backend: our kernels from {@code kernels/*.cl}, GEMM through CLBlast, one in-order queue, and
 * pooled {@code cl_mem} buffers so a steady-state training step allocates nothing on the device.
 *
 * <p>Lifecycle: {@link ClPlatforms} finds the device, {@link #open} creates the context and warms CLBlast,
 * {@link #close} releases everything. Ops are enqueued from one thread at a time.
 */
public final class ClDevice extends BaseDevice<cl_mem> {
    private static final long ROUND = 64;

    private final DeviceInfo info;
    private final cl_context context;
    private final cl_command_queue queue;
    private final ProgramCache programs;
    private final EventTimes eventTimes = new EventTimes();
    private boolean clBlastReady;

    private ClDevice(DeviceInfo info, ClPlatforms.Handle handle, cl_context context, cl_command_queue queue, Path cacheDir) {
        super(new BufferPool.Allocator<>() {
            @Override
            public cl_mem allocate(int length) {
                try {
                    return clCreateBuffer(context, CL_MEM_READ_WRITE, (long) length * Sizeof.cl_float, null, null);
                } catch (CLException e) {
                    throw new IllegalStateException(ClErrors.describe("allocating " + length + " floats on " + info.id(), e), e);
                }
            }

            @Override
            public void free(cl_mem memory) {
                clReleaseMemObject(memory);
            }
        });
        this.info = info;
        this.context = context;
        this.queue = queue;
        this.programs = new ProgramCache(context, handle.device(), info.name() + "|" + info.version(), cacheDir);
    }

    /**
     * Opens a context and queue on one device.
     *
     * @param cacheDir     where program binaries are kept between starts, or null for none
     * @param warmClBlast  load CLBlast and compile its kernels now (true for training: nothing slow inside a
     *                     timed step); false defers that to the first GEMM, so native-check can test each rung alone
     * @throws DeviceUnavailableException with the reason when the device cannot be used
     */
    static ClDevice open(DeviceInfo info, ClPlatforms.Handle handle, Path cacheDir, boolean warmClBlast) {
        cl_context context;
        cl_command_queue queue;
        try {
            context = clCreateContext(null, 1, new org.jocl.cl_device_id[] {handle.device()}, null, null, null);
            // Profiling-enabled queue: timestamps cost little, and --profile needs them without reopening the device.
            cl_queue_properties properties = new cl_queue_properties();
            properties.addProperty(CL_QUEUE_PROPERTIES, CL_QUEUE_PROFILING_ENABLE);
            queue = clCreateCommandQueueWithProperties(context, handle.device(), properties, null);
        } catch (CLException e) {
            throw new DeviceUnavailableException(ClErrors.describe("cannot create a context and queue on " + info.id(), e), e);
        }
        ClDevice device = new ClDevice(info, handle, context, queue, cacheDir);
        if (warmClBlast) {
            try {
                device.ensureClBlast();
            } catch (RuntimeException e) {
                device.close();
                throw e;
            }
        }
        return device;
    }

    @Override
    public DeviceInfo info() {
        return info;
    }

    /**
     * The best SGEMM rate of a few square CLBlast GEMMs, growing the size (1024 up to 4096) until one call
     * takes at least 50 ms so launch overhead does not count.
     */
    @Override
    public double measurePeakGflops() {
        ensureClBlast();
        double best = 0;
        for (int size = 1024; size <= 4096; size *= 2) {
            long elements = (long) size * size;
            if (3 * elements * Sizeof.cl_float > info.memoryBytes() / 2) {
                break;
            }
            double seconds = Double.MAX_VALUE;
            try (Buffer a = allocate((int) elements); Buffer b = allocate((int) elements); Buffer c = allocate((int) elements)) {
                fill(a, 0.5f, (int) elements);
                fill(b, 0.25f, (int) elements);
                for (int rep = 0; rep < 4; rep++) {
                    finish();
                    long start = System.nanoTime();
                    gemm(false, false, size, size, size, 1f, a, 0, size, b, 0, size, 0f, c, 0, size);
                    finish();
                    if (rep > 0) { // the first call of a size may tune or compile
                        seconds = Math.min(seconds, (System.nanoTime() - start) / 1e9);
                    }
                }
            }
            best = Math.max(best, 2.0 * size * elements / seconds / 1e9);
            if (seconds >= 0.05) {
                break;
            }
        }
        releaseIdleMemory(); // the test matrices, up to 3 x 64 MB, are not training sizes
        return best;
    }

    /** Programs compiled from source by this device (0 when every one came from the disk cache). */
    public int programsBuiltFromSource() {
        return programs.sourceBuilds();
    }

    /** Programs loaded from the disk cache by this device. */
    public int programsLoadedFromCache() {
        return programs.binaryLoads();
    }

    /** Loads the CLBlast native library; throws {@link DeviceUnavailableException} with the reason when it cannot. */
    public static void loadClBlast() {
        ClBlas.load();
    }

    /** Builds (or loads from the disk cache) one program now; for tests and native-check. */
    void buildProgram(String file, String options) {
        programs.program(file, options);
    }

    @Override
    public void finish() {
        clFinish(queue);
        eventTimes.drainInto(profiler());
    }

    /** Each command reports its own device time through an event; the host clock would only see enqueueing. */
    @Override
    protected boolean timesOpsOnHost() {
        return false;
    }

    @Override
    public void close() {
        try {
            clFinish(queue);
            eventTimes.drainInto(profiler());
        } finally {
            super.close();
            programs.close();
            clReleaseCommandQueue(queue);
            clReleaseContext(context);
        }
    }

    /**
     * Loads CLBlast and runs each transpose at a small and a large size once, square and tall (the two ways
     * {@link ClBlas#gemm} calls CLBlast): CLBlast compiles a kernel per routine and size class on first use,
     * and that must not land inside a timed step.
     */
    private void ensureClBlast() {
        if (clBlastReady) {
            return;
        }
        ClBlas.load();
        clBlastReady = true;
        try {
            for (int size : new int[] {8, 512}) {
                try (Buffer a = allocate(size * size); Buffer b = allocate(size * size); Buffer c = allocate(size * size)) {
                    fill(a, 1f, size * size);
                    fill(b, 1f, size * size);
                    for (int t = 0; t < 8; t++) {
                        boolean transA = (t & 1) != 0, transB = (t & 2) != 0;
                        int m = size, n = (t & 4) != 0 ? size / 2 : size, k = n;
                        gemm(transA, transB, m, n, k, 1f, a, 0, transA ? m : k, b, 0, transB ? k : n, 0f, c, 0, n);
                    }
                    finish();
                }
            }
        } catch (RuntimeException e) {
            clBlastReady = false;
            throw e instanceof DeviceUnavailableException ? e
                    : new DeviceUnavailableException("CLBlast failed on " + info.id() + ": " + e.getMessage(), e);
        }
    }

    // ---- memory --------------------------------------------------------------------------------

    @Override
    protected void runUpload(cl_mem dst, int dstOffset, float[] src, int srcOffset, int length) {
        clEnqueueWriteBuffer(queue, dst, CL_TRUE, (long) dstOffset * Sizeof.cl_float, (long) length * Sizeof.cl_float,
                Pointer.to(src).withByteOffset((long) srcOffset * Sizeof.cl_float), 0, null, eventTimes.command(profiledKind(), profiler()));
    }

    @Override
    protected void runDownload(float[] dst, int dstOffset, cl_mem src, int srcOffset, int length) {
        clEnqueueReadBuffer(queue, src, CL_TRUE, (long) srcOffset * Sizeof.cl_float, (long) length * Sizeof.cl_float,
                Pointer.to(dst).withByteOffset((long) dstOffset * Sizeof.cl_float), 0, null, eventTimes.command(profiledKind(), profiler()));
    }

    // ---- GEMM ----------------------------------------------------------------------------------

    @Override
    protected void runGemm(boolean transA, boolean transB, int m, int n, int k, float alpha, cl_mem a, int aOffset, int lda,
                           int strideA, cl_mem b, int bOffset, int ldb, int strideB, float beta, cl_mem c, int cOffset, int ldc,
                           int strideC, int batch) {
        ensureClBlast();
        eventTimes.span(profiledKind(), profiler(), queue, () -> ClBlas.gemm(queue, transA, transB, m, n, k, alpha,
                a, aOffset, lda, strideA, b, bOffset, ldb, strideB, beta, c, cOffset, ldc, strideC, batch));
    }

    // ---- convolution and pooling ---------------------------------------------------------------

    @Override
    protected void runIm2col(cl_mem cols, cl_mem image, Window2d w) {
        launchGrid("im2col.cl", "im2col", new long[] {(long) w.kernelW() * w.channels(), w.kernelH(), w.patchRows()},
                withWindow(w, cols, image));
    }

    @Override
    protected void runCol2im(cl_mem image, cl_mem cols, Window2d w) {
        launchGrid("im2col.cl", "col2im", overInput(w), withWindow(w, image, cols));
    }

    @Override
    protected void runMaxPoolForward(cl_mem out, cl_mem in, Window2d w) {
        launchGrid("pool.cl", "max_pool_forward", overOutput(w), withWindow(w, out, in));
    }

    @Override
    protected void runMaxPoolBackward(cl_mem dIn, cl_mem dOut, cl_mem in, Window2d w) {
        if (w.tilesImage()) {
            launchGrid("pool.cl", "max_pool_backward_tiled", overOutput(w), withWindow(w, dIn, dOut, in));
        } else {
            launchGrid("pool.cl", "max_pool_backward", overInput(w), withWindow(w, dIn, dOut, in));
        }
    }

    @Override
    protected void runAvgPoolForward(cl_mem out, cl_mem in, Window2d w) {
        launchGrid("pool.cl", "avg_pool_forward", overOutput(w), withWindow(w, out, in));
    }

    @Override
    protected void runAvgPoolBackward(cl_mem dIn, cl_mem dOut, Window2d w) {
        launchGrid("pool.cl", "avg_pool_backward", overInput(w), withWindow(w, dIn, dOut));
    }

    @Override
    protected void runGlobalAvgPoolForward(cl_mem out, cl_mem in, int batch, int pixels, int channels) {
        launch("pool.cl", "", "global_avg_pool_forward", batch * channels, out, in, batch, pixels, channels);
    }

    @Override
    protected void runGlobalAvgPoolBackward(cl_mem dIn, cl_mem dOut, int batch, int pixels, int channels) {
        launch("pool.cl", "", "global_avg_pool_backward", batch * pixels * channels, dIn, dOut, batch, pixels, channels);
    }

    /** The 3-D range (channels, width, batch * height) of a window op's input image. */
    private static long[] overInput(Window2d w) {
        return new long[] {w.channels(), w.width(), (long) w.batch() * w.height()};
    }

    /** The 3-D range (channels, out width, batch * out height) of a window op's output image. */
    private static long[] overOutput(Window2d w) {
        return new long[] {w.channels(), w.outWidth(), (long) w.batch() * w.outHeight()};
    }

    private static Object[] withWindow(Window2d w, Object... leading) {
        Object[] geometry = {w.height(), w.width(), w.channels(), w.kernelH(), w.kernelW(), w.strideH(), w.strideW(),
                w.padH(), w.padW(), w.outHeight(), w.outWidth()};
        Object[] all = new Object[leading.length + geometry.length];
        System.arraycopy(leading, 0, all, 0, leading.length);
        System.arraycopy(geometry, 0, all, leading.length, geometry.length);
        return all;
    }

    // ---- bias and activations ------------------------------------------------------------------

    @Override
    protected void runBiasAdd(cl_mem x, cl_mem bias, int rows, int channels) {
        launch("elementwise.cl", "", "bias_add", rows * channels, x, bias, rows, channels);
    }

    @Override
    protected void runBiasGrad(cl_mem dBias, cl_mem dOut, int rows, int channels) {
        launchGroups("reduce.cl", "bias_grad", channels, dBias, dOut, rows, channels);
    }

    @Override
    protected void runActivationForward(cl_mem out, cl_mem in, Activation act, float alpha, int length) {
        launch("activation.cl", activationOptions(act), "activation_forward", length, out, in, alpha, length);
    }

    @Override
    protected void runActivationBackward(cl_mem dIn, cl_mem dOut, cl_mem in, Activation act, float alpha, int length) {
        launch("activation.cl", activationOptions(act), "activation_backward", length, dIn, dOut, in, alpha, length);
    }

    /** One program per activation, specialised at build time rather than branching per element. */
    private static String activationOptions(Activation act) {
        return "-DACTIVATION=" + act.ordinal();
    }

    // ---- loss and metrics ----------------------------------------------------------------------

    @Override
    protected void runSoftmaxCrossEntropyForward(cl_mem loss, int lossIndex, cl_mem probs, cl_mem logits, cl_mem labels,
                                                 int rows, int classes) {
        launchThenReduce(loss, lossIndex, 1f / rows, rows, "loss.cl", "", "softmax_xent_forward", probs, logits, labels, rows, classes);
    }

    @Override
    protected void runSoftmaxCrossEntropyBackward(cl_mem dLogits, cl_mem probs, cl_mem labels, int rows, int classes, float scale) {
        launch("loss.cl", "", "softmax_xent_backward", rows * classes, dLogits, probs, labels, rows, classes, scale / rows);
    }

    @Override
    protected void runSoftmaxForward(cl_mem out, cl_mem in, int rows, int cols) {
        launch("loss.cl", "", "softmax_forward", rows, out, in, rows, cols);
    }

    @Override
    protected void runSoftmaxBackward(cl_mem dIn, cl_mem dOut, cl_mem out, int rows, int cols) {
        launch("loss.cl", "", "softmax_backward", rows, dIn, dOut, out, rows, cols);
    }

    @Override
    protected void runDropoutForward(cl_mem out, cl_mem mask, cl_mem in, int length, float rate, long seed) {
        launch("elementwise.cl", "", "dropout_forward", length, out, mask, in, length, rate, 1f / (1f - rate), (int) seed,
                (int) (seed >>> 32));
    }

    @Override
    protected void runPointwiseLoss(cl_mem loss, int lossIndex, cl_mem grad, cl_mem pred, cl_mem target, PointwiseLoss kind,
                                    float delta, int length) {
        launchThenReduce(loss, lossIndex, 1f / length, length, "loss.cl", "-DLOSS=" + kind.ordinal(), "pointwise_loss", grad, pred,
                target, delta, 1f / length, length);
    }

    @Override
    protected void runClamp(cl_mem x, float lo, float hi, int length) {
        launch("elementwise.cl", "", "clamp_values", length, x, lo, hi, length);
    }

    @Override
    protected void runScaleToMaxNorm(cl_mem x, int length, cl_mem sumOfSquares, int index, float maxNorm) {
        launch("elementwise.cl", "", "scale_to_max_norm", length, x, length, sumOfSquares, index, maxNorm);
    }

    @Override
    protected void runArgmax(cl_mem out, cl_mem x, int rows, int cols) {
        launch("loss.cl", "", "argmax_rows", rows, out, x, rows, cols);
    }

    @Override
    protected void runCorrectCount(cl_mem out, int outIndex, cl_mem logits, cl_mem labels, int rows, int classes) {
        launchThenReduce(out, outIndex, 1f, rows, "loss.cl", "", "correct_rows", logits, labels, rows, classes);
    }

    // ---- elementwise ---------------------------------------------------------------------------

    @Override
    protected void runAdd(cl_mem out, cl_mem a, cl_mem b, int length) {
        launch("elementwise.cl", "", "add", length, out, a, b, length);
    }

    @Override
    protected void runMul(cl_mem out, cl_mem a, cl_mem b, int length) {
        launch("elementwise.cl", "", "mul", length, out, a, b, length);
    }

    @Override
    protected void runAxpy(cl_mem y, float alpha, cl_mem x, int length) {
        launch("elementwise.cl", "", "axpy", length, y, alpha, x, length);
    }

    @Override
    protected void runScale(cl_mem x, float alpha, int length) {
        launch("elementwise.cl", "", "scale", length, x, alpha, length);
    }

    @Override
    protected void runFill(cl_mem x, float value, int length) {
        launch("elementwise.cl", "", "fill", length, x, value, length);
    }

    @Override
    protected void runCopy2d(cl_mem dst, int dstOffset, int dstStride, cl_mem src, int srcOffset, int srcStride, int rows, int cols) {
        launch("elementwise.cl", "", "copy2d", rows * cols, dst, dstOffset, dstStride, src, srcOffset, srcStride, rows, cols);
    }

    // ---- reductions ----------------------------------------------------------------------------

    @Override
    protected void runSum(cl_mem out, int outIndex, cl_mem x, int length, boolean squares) {
        reduce(out, outIndex, x, length, squares, 1f);
    }

    /**
     * Runs a kernel whose first argument is a scratch of {@code length} per-element values (one work-item
     * each), then {@code out[outIndex] = scale * sum of them}: how every scalar loss and metric is made.
     */
    private void launchThenReduce(cl_mem out, int outIndex, float scale, int length, String file, String options, String kernel,
                                  Object... rest) {
        try (Buffer scratch = allocate(length)) {
            cl_mem values = memory(scratch);
            Object[] args = new Object[rest.length + 1];
            args[0] = values;
            System.arraycopy(rest, 0, args, 1, rest.length);
            launch(file, options, kernel, length, args);
            reduce(out, outIndex, values, length, false, scale);
        }
    }

    /** Two passes: at most 64 groups of partial sums, then one group over them. The split depends only on length. */
    private void reduce(cl_mem out, int outIndex, cl_mem x, int length, boolean squares, float scale) {
        int wg = 256;
        int chunk = Math.max(wg, ((length + 63) / 64 + wg - 1) / wg * wg);
        int groups = Math.max(1, (length + chunk - 1) / chunk);
        try (Buffer partial = allocate(groups)) {
            cl_mem partialMem = memory(partial);
            launchGroups("reduce.cl", "reduce_partial", groups, partialMem, x, length, chunk, squares ? 1 : 0);
            launchGroups("reduce.cl", "reduce_final", 1, out, outIndex, partialMem, groups, scale);
        }
    }

    // ---- optimizers ----------------------------------------------------------------------------

    @Override
    protected void runSgdUpdate(cl_mem param, cl_mem velocity, cl_mem grad, int length, float lr, float momentum,
                                float weightDecay, boolean nesterov) {
        launch("optimizer.cl", "", "sgd_update", length, param, velocity == null ? param : velocity, grad, length,
                lr, momentum, weightDecay, nesterov ? 1 : 0, velocity == null ? 0 : 1);
    }

    @Override
    protected void runAdamUpdate(cl_mem param, cl_mem m, cl_mem v, cl_mem grad, int length, float lr, float beta1, float beta2,
                                 float eps, float weightDecay, float correction1, float correction2) {
        launch("optimizer.cl", "", "adam_update", length, param, m, v, grad, length, lr, beta1, beta2, eps, weightDecay,
                correction1, correction2);
    }

    // ---- launching -----------------------------------------------------------------------------

    /** One work-item per element: global size {@code work} rounded up (each kernel checks its bound). */
    private void launch(String file, String options, String name, int work, Object... args) {
        if (work > 0) {
            enqueue(programs.kernel(file, options, name), new long[] {(work + ROUND - 1) / ROUND * ROUND}, null, args);
        }
    }

    /** {@code groups} work-groups of exactly 256 items (the reduce kernels' REDUCE_WG). */
    private void launchGroups(String file, String name, int groups, Object... args) {
        enqueue(programs.kernel(file, "", name), new long[] {groups * 256L}, new long[] {256}, args);
    }

    /** Exactly the given 1- to 3-D range, work-group size left to the driver (kernels need no bound check). */
    private void launchGrid(String file, String name, long[] global, Object... args) {
        enqueue(programs.kernel(file, "", name), global, null, args);
    }

    private synchronized void enqueue(cl_kernel kernel, long[] global, long[] local, Object[] args) {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a instanceof cl_mem) {
                clSetKernelArg(kernel, i, Sizeof.cl_mem, Pointer.to((cl_mem) a));
            } else if (a instanceof Integer) {
                clSetKernelArg(kernel, i, Sizeof.cl_int, Pointer.to(new int[] {(Integer) a}));
            } else if (a instanceof Float) {
                clSetKernelArg(kernel, i, Sizeof.cl_float, Pointer.to(new float[] {(Float) a}));
            } else {
                throw new IllegalArgumentException("kernel argument " + i + " has unsupported type " + a);
            }
        }
        cl_event event = eventTimes.command(profiledKind(), profiler());
        try {
            clEnqueueNDRangeKernel(queue, kernel, global.length, null, global, local, 0, null, event);
        } catch (CLException e) {
            if (event != null) {
                eventTimes.discardLast();
            }
            throw new IllegalStateException(ClErrors.describe("enqueueing a kernel on " + info.id(), e), e);
        }
    }
}
