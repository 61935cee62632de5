package io.clnet.benchmarks;

import io.clnet.device.Device;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What every benchmark here shares: average time per op in milliseconds, one forked JVM with the Vector
 * API module, and a {@code backend} parameter naming the device (see {@link BenchDevices#open}). A
 * subclass opens {@link #device} in its own {@code @Setup} with {@link #open()}; it is closed here.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public abstract class DeviceBenchmark {

    @Param({"cpu", "opencl"})
    public String backend;

    protected Device device;

    protected Device open() {
        device = BenchDevices.open(backend);
        return device;
    }

    /** Closing the device frees every buffer the benchmark made on it. */
    @TearDown(Level.Trial)
    public void closeDevice() {
        device.close();
    }
}
