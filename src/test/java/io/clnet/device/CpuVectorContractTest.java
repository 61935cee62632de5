package io.clnet.device;

import io.clnet.device.contract.AllContracts;
import io.clnet.device.cpu.CpuDevice;
import org.junit.jupiter.api.BeforeAll;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The contract on the CPU backend with its fast Vector API GEMM (Surefire starts the JVM with the module). */
class CpuVectorContractTest implements AllContracts {
    private static final CpuDevice DEVICE = new CpuDevice(true);
    private final List<Buffer> buffers = new ArrayList<>();

    @BeforeAll
    static void vectorPathIsTheOneUnderTest() {
        assertTrue(DEVICE.info().version().contains("Vector API"), "expected the Vector API GEMM, got " + DEVICE.info().version());
    }

    @Override
    public Device device() {
        return DEVICE;
    }

    @Override
    public List<Buffer> buffers() {
        return buffers;
    }
}
