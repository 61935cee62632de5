package io.clnet.benchmarks;

import io.clnet.device.Buffer;
import io.clnet.device.Window2d;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * im2col and col2im per backend at the convolutions of {@code lenet} and {@code simple} (batch 128). Shape
 * {@code NxHxWxC-kK-pP}: input batch, height, width, channels, square kernel K, stride 1, padding P.
 */
public class WindowBenchmark extends DeviceBenchmark {

    @Param({"128x28x28x1-k5-p2", "128x14x14x32-k5-p2", "128x14x14x8-k3-p1"})
    public String shape;

    private Window2d window;
    private Buffer image, cols;

    @Setup
    public void setUp() {
        window = parse(shape, 1);
        open();
        image = BenchDevices.random(device, window.inputLength(), 1);
        cols = BenchDevices.random(device, window.patchRows() * window.patchCols(), 2);
    }

    /** {@code NxHxWxC-kK-pP} with stride {@code stride}. */
    static Window2d parse(String shape, int stride) {
        String[] parts = shape.split("-");
        String[] dims = parts[0].split("x");
        int kernel = Integer.parseInt(parts[1].substring(1)), pad = Integer.parseInt(parts[2].substring(1));
        return new Window2d(Integer.parseInt(dims[0]), Integer.parseInt(dims[1]), Integer.parseInt(dims[2]), Integer.parseInt(dims[3]),
                kernel, kernel, stride, stride, pad, pad);
    }

    @Benchmark
    public void im2col() {
        device.im2col(cols, image, window);
        device.finish();
    }

    @Benchmark
    public void col2im() {
        device.col2im(image, cols, window);
        device.finish();
    }
}
