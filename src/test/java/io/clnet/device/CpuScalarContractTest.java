package io.clnet.device;

import io.clnet.device.contract.AllContracts;
import io.clnet.device.cpu.CpuDevice;

import java.util.ArrayList;
import java.util.List;

/** The contract on the CPU backend's plain scalar GEMM: the path a JVM without the incubator module runs. */
class CpuScalarContractTest implements AllContracts {
    private static final CpuDevice DEVICE = new CpuDevice(false);
    private final List<Buffer> buffers = new ArrayList<>();

    @Override
    public Device device() {
        return DEVICE;
    }

    @Override
    public List<Buffer> buffers() {
        return buffers;
    }
}
