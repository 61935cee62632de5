package io.clnet.device;

import io.clnet.device.contract.AllContracts;

import java.util.ArrayList;
import java.util.List;

/** The contract on the first OpenCL device (PoCL in CI): our kernels and CLBlast against the reference. */
class OpenClContractTest implements AllContracts {
    private final List<Buffer> buffers = new ArrayList<>();

    @Override
    public Device device() {
        return OpenClTestDevice.get();
    }

    @Override
    public List<Buffer> buffers() {
        return buffers;
    }
}
