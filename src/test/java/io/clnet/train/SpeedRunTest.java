package io.clnet.train;

import io.clnet.data.Dataset;
import io.clnet.data.Datasets;
import io.clnet.data.SyntheticMnist;
import io.clnet.device.Device;
import io.clnet.device.OpKind;
import io.clnet.device.OpenClTestDevice;
import io.clnet.device.cpu.CpuDevice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code compare} and the speed bars rely on: steady-state steps allocate nothing on the device and
 * read nothing back, the CPU backend repeats itself bit for bit, the backends agree, and profiling
 * accounts for every op kind a CNN step runs.
 */
class SpeedRunTest {
    private static Device cpu;
    private static Dataset data;

    @BeforeAll
    static void setUp(@TempDir Path tmp) throws Exception {
        cpu = new CpuDevice();
        data = Datasets.load("mnist", SyntheticMnist.write(tmp, 256, 16, 5), s -> { }).train();
    }

    @AfterAll
    static void tearDown() {
        cpu.close();
    }

    private static SpeedRun.Result run(Device device, String model, boolean profile) {
        return SpeedRun.run(device, model, data, 8, 3, 5, 11, profile);
    }

    private static void assertSteadyState(SpeedRun.Result r) {
        assertEquals(0, r.allocationsWhileTimed(), r.device() + " " + r.model() + ": device allocations in timed steps");
        assertEquals(2L * r.steps(), r.uploadsWhileTimed(), r.device() + " " + r.model() + ": uploads (images and labels only)");
        assertEquals(0, r.downloadsWhileTimed(), r.device() + " " + r.model() + ": host round trips in timed steps");
    }

    @Test
    void steadyStateStepsAllocateNothingAndOnlyUploadTheBatchOnCpu() {
        assertSteadyState(run(cpu, "simple", false));
        assertSteadyState(run(cpu, "lenet", false));
        assertEquals(0, cpu.liveBuffers());
        try (Device fresh = new CpuDevice()) {
            SpeedRun.Result first = SpeedRun.run(fresh, "simple", data, 8, 0, 2, 11, false);
            assertTrue(first.allocationsWhileTimed() > 0, "the counter sees the first step fill the pool");
        }
    }

    @Test
    void steadyStateStepsAllocateNothingAndOnlyUploadTheBatchOnOpenCl() {
        Device cl = OpenClTestDevice.get();
        assertSteadyState(run(cl, "simple", false));
        assertSteadyState(run(cl, "lenet", false));
        assertEquals(0, cl.liveBuffers());
    }

    @Test
    void cpuRunsRepeatBitForBit() {
        SpeedRun.Result a = run(cpu, "simple", false), b = run(cpu, "simple", false);
        assertArrayEquals(a.losses(), b.losses());
        for (int i = 0; i < a.parameters().size(); i++) {
            assertArrayEquals(a.parameters().get(i), b.parameters().get(i), "parameter " + i);
        }
        assertEquals(0, SpeedRun.parameterDifference(a, b));
    }

    /** A bias that stays near zero: on the model's scale it moved little, on its own scale a lot. */
    @Test
    void parameterDifferenceIsOnTheModelsScaleAndWorstTensorOnEachTensorsOwn() {
        SpeedRun.Result ref = withParameters(new float[] {1f, -0.5f}, new float[] {0.001f, 0f});
        SpeedRun.Result run = withParameters(new float[] {1f, -0.5001f}, new float[] {0.00101f, 0f});
        assertEquals(1e-4, SpeedRun.parameterDifference(run, ref), 1e-7);
        assertEquals(1e-2, SpeedRun.worstTensorDifference(run, ref), 1e-5);
    }

    private static SpeedRun.Result withParameters(float[]... tensors) {
        return new SpeedRun.Result("cpu", "simple", 1, 0, 1, 1.0, 1.0, new float[] {1f}, java.util.List.of(), java.util.List.of(tensors),
                null, 0, 0, 0);
    }

    @Test
    void openClAgreesWithCpu() {
        SpeedRun.Result ref = run(cpu, "simple", false), cl = run(OpenClTestDevice.get(), "simple", false);
        assertTrue(ref.losses()[7] < ref.losses()[0], "the loss goes down: " + java.util.Arrays.toString(ref.losses()));
        assertTrue(SpeedRun.lossDifference(cl, ref) < 1e-4, "loss difference " + SpeedRun.lossDifference(cl, ref));
        assertTrue(SpeedRun.parameterDifference(cl, ref) < 1e-3, "parameter difference " + SpeedRun.parameterDifference(cl, ref));
        assertTrue(SpeedRun.worstTensorDifference(cl, ref) < 1e-3, "worst tensor's difference " + SpeedRun.worstTensorDifference(cl, ref));
        assertTrue(SpeedRun.firstStepDifference(cl, ref) < 1e-5, "first step difference " + SpeedRun.firstStepDifference(cl, ref));
        assertTrue(SpeedRun.firstStepDifference(cl, ref) > 0, "the backends' GEMMs sum in different orders, so some bits differ");
    }

    @Test
    void profileCountsEveryOpKindOfACnnStep() {
        for (Device device : new Device[] {cpu, OpenClTestDevice.get()}) {
            SpeedRun.Result r = run(device, "simple", true);
            java.util.List<OpKind> kinds = java.util.List.of(OpKind.CONV_FORWARD, OpKind.CONV_BACKWARD_DATA, OpKind.CONV_BACKWARD_WEIGHTS,
                    OpKind.GEMM, OpKind.IM2COL, OpKind.POOL, OpKind.ACTIVATION, OpKind.LOSS, OpKind.OPTIMIZER, OpKind.UPLOAD);
            if (device == cpu) {
                // Every CPU pass convolves from the image; backward-data keeps its patch gradient in cache: no im2col/col2im.
                assertEquals(0, device.profiler().calls(OpKind.IM2COL), r.profile());
            }
            for (OpKind kind : kinds) {
                if (device == cpu && kind == OpKind.IM2COL) {
                    continue;
                }
                assertTrue(device.profiler().calls(kind) > 0, device.info().id() + ": no " + kind.label() + " in\n" + r.profile());
                assertTrue(device.profiler().nanos(kind) > 0, device.info().id() + ": zero time for " + kind.label());
                assertTrue(r.profile().contains(kind.label()), r.profile());
            }
            // simple: two convs forward, one backward-data (the first conv's input needs no gradient), per step
            assertEquals(2L * r.steps(), device.profiler().calls(OpKind.UPLOAD), r.profile());
            assertFalse(device.profiler().enabled(), "profiling stops with the run");
            assertTrue(r.profile().contains("wall time per step"), r.profile());
        }
    }

    @Test
    void peakIsMeasuredAndModelFlopsMatchTheIssue() {
        double peak = cpu.measurePeakGflops();
        assertTrue(peak > 1 && peak < 1e5, "CPU peak " + peak);
        assertEquals(83.3, Models.byName("lenet").trainingFlopsPerExample() / 1e6, 0.05);
        assertEquals(1.74, Models.byName("simple").trainingFlopsPerExample() / 1e6, 0.005);
    }
}
