package io.clnet.train;

import io.clnet.data.Datasets;
import io.clnet.device.Device;
import io.clnet.device.OpenClTestDevice;
import io.clnet.device.cpu.CpuDevice;
import io.clnet.TestEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Accuracy is a correctness test: 200 steps of {@code simple} on real MNIST from the same seed on the CPU
 * backend and on OpenCL must both classify the test set well, and their final losses must agree.
 */
class MnistTrainingTest {

    private static TrainingRun.Result train(Device device, Datasets.TrainTest data, Path out) {
        TrainingRun.Settings s = new TrainingRun.Settings("simple", "mnist", 1, 128, 0.02f, "sgd", 0f, false, 0f, 3, 200, out, 0, false);
        return TrainingRun.run(s, device, data, null, new PrintStream(new ByteArrayOutputStream()), false);
    }

    @Test
    void twoHundredStepsOfSimpleReachHighAccuracyOnCpuAndOpenClWithMatchingLosses(@TempDir Path tmp) {
        Datasets.TrainTest data = TestEnvironment.dataset("mnist");
        TrainingRun.Result cpu;
        try (CpuDevice device = new CpuDevice(true)) {
            cpu = train(device, data, tmp.resolve("cpu"));
            assertEquals(0, device.liveBuffers(), "the CPU run freed everything");
        }
        Device cl = OpenClTestDevice.get();
        int liveBefore = cl.liveBuffers();
        TrainingRun.Result opencl = train(cl, data, tmp.resolve("opencl"));
        assertEquals(liveBefore, cl.liveBuffers(), "the OpenCL run freed everything");

        assertEquals(200, cpu.steps());
        assertTrue(cpu.test().accuracy() >= 0.85, "cpu test accuracy " + cpu.test().accuracy());
        assertTrue(opencl.test().accuracy() >= 0.85, "opencl test accuracy " + opencl.test().accuracy());
        double trainLossCpu = cpu.history().rows().get(0).trainLoss(), trainLossCl = opencl.history().rows().get(0).trainLoss();
        assertTrue(Math.abs(trainLossCpu - trainLossCl) <= 1e-3 * trainLossCpu,
                "mean training loss over 200 steps: cpu " + trainLossCpu + ", opencl " + trainLossCl);
        assertTrue(Math.abs(cpu.test().loss() - opencl.test().loss()) <= 1e-3 * cpu.test().loss(),
                "test loss after 200 steps: cpu " + cpu.test().loss() + ", opencl " + opencl.test().loss());
        System.out.printf("200 steps of simple: cpu train %.6f test %.6f acc %.4f | opencl train %.6f test %.6f acc %.4f%n",
                trainLossCpu, cpu.test().loss(), cpu.test().accuracy(), trainLossCl, opencl.test().loss(), opencl.test().accuracy());
    }
}
