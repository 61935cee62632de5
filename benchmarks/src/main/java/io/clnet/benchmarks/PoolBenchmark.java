package io.clnet.benchmarks;

import io.clnet.device.Buffer;
import io.clnet.device.Device;
import io.clnet.device.Window2d;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * 2x2 stride-2 max pooling, forward and backward, per backend at the pools of {@code lenet} (batch 128).
 * Shape {@code NxHxWxC-k2-p0} as in {@link WindowBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class PoolBenchmark {

    @Param({"cpu", "opencl"})
    public String backend;

    @Param({"128x28x28x32-k2-p0", "128x14x14x64-k2-p0"})
    public String shape;

    private Device device;
    private Window2d window;
    private Buffer in, out, dIn, dOut;

    @Setup
    public void setUp() {
        window = WindowBenchmark.parse(shape, 2);
        device = BenchDevices.open(backend);
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

    @TearDown
    public void tearDown() {
        in.close();
        out.close();
        dIn.close();
        dOut.close();
        device.close();
    }
}
