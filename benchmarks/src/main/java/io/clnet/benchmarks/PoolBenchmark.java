package io.clnet.benchmarks;

import io.clnet.device.Buffer;
import io.clnet.device.Window2d;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * 2x2 stride-2 max pooling, forward and backward, per backend at the pools of {@code lenet} (batch 128).
 * Shape {@code NxHxWxC-k2-p0} as in {@link WindowBenchmark}.
 */
public class PoolBenchmark extends DeviceBenchmark {

    @Param({"128x28x28x32-k2-p0", "128x14x14x64-k2-p0"})
    public String shape;

    private Window2d window;
    private Buffer in, out, dIn, dOut;

    @Setup
    public void setUp() {
        window = WindowBenchmark.parse(shape, 2);
        open();
        in = BenchDevices.random(device, window.inputLength(), 1);
        dIn = device.allocate(window.inputLength());
        out = device.allocate(window.outputLength());
        dOut = BenchDevices.random(device, window.outputLength(), 2);
    }

    @Benchmark
    public void maxPoolForward() {
        device.maxPoolForward(out, in, window);
        device.finish();
    }

    @Benchmark
    public void maxPoolBackward() {
        device.maxPoolBackward(dIn, dOut, in, window);
        device.finish();
    }
}
