package io.clnet.benchmarks;

import io.clnet.device.Buffer;
import io.clnet.device.Device;
import io.clnet.device.DeviceSelector;
import io.clnet.device.cpu.CpuDevice;

import java.util.Random;

/** Opens the device a benchmark's {@code backend} parameter names, and fills buffers with seeded data. */
final class BenchDevices {
    private BenchDevices() {
    }

    /**
     * {@code cpu}, {@code cpu-scalar} (the CPU backend's fallback GEMM), {@code opencl} or {@code opencl:P:D};
     * an OpenCL backend that cannot be served fails the run.
     */
    static Device open(String backend) {
        if (backend.equals("cpu-scalar")) {
            return new CpuDevice(false);
        }
        return DeviceSelector.system().select(backend).device();
    }

    static Buffer random(Device device, int length, long seed) {
        float[] data = new float[length];
        Random random = new Random(seed);
        for (int i = 0; i < length; i++) {
            data[i] = random.nextFloat() * 2 - 1;
        }
        Buffer b = device.allocate(length);
        device.upload(b, 0, data, 0, length);
        return b;
    }
}
