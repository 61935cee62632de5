package io.clnet.benchmarks;

import io.clnet.device.Buffer;
import io.clnet.device.Window2d;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * The three convolution passes per backend at the convolutions of {@code lenet} and {@code simple} (batch 128),
 * each as the device runs it: from the image where the backend can, else im2col/col2im and GEMM (counted here).
 * Shape {@code NxHxWxC-kK-pP-oO}: input batch, height, width, channels, square kernel K, stride 1, padding P,
 * O out-channels.
 */
public class ConvBenchmark extends DeviceBenchmark {

    @Param({"128x28x28x1-k5-p2-o32", "128x14x14x32-k5-p2-o64", "128x28x28x1-k3-p1-o8", "128x14x14x8-k3-p1-o16"})
    public String shape;

    private Window2d window;
    private int outChannels;
    private Buffer image, weights, out;

    @Setup
    public void setUp() {
        window = WindowBenchmark.parse(shape.substring(0, shape.lastIndexOf('-')), 1);
        outChannels = Integer.parseInt(shape.substring(shape.lastIndexOf("-o") + 2));
        open();
        image = BenchDevices.random(device, window.inputLength(), 1);
        weights = BenchDevices.random(device, outChannels * window.patchCols(), 2);
        out = BenchDevices.random(device, window.patchRows() * outChannels, 3);
    }

    @Benchmark
    public void forward() {
        device.convForward(out, image, weights, null, null, window, outChannels);
        device.finish();
    }

    @Benchmark
    public void backwardData() {
        device.convBackwardData(image, out, weights, window, outChannels);
        device.finish();
    }

    @Benchmark
    public void backwardWeights() {
        device.convBackwardWeights(weights, null, out, image, null, window, outChannels);
        device.finish();
    }
}
