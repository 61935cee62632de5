package io.clnet.device.opencl;

import io.clnet.device.DeviceInfo;
import io.clnet.device.OpenClProvider;

import java.nio.file.Path;

/** One discovered OpenCL device, not yet opened. */
public final class ClCandidate implements OpenClProvider.Candidate {
    private final DeviceInfo info;
    private final ClPlatforms.Handle handle;
    private final Path cacheDir;

    ClCandidate(DeviceInfo info, ClPlatforms.Handle handle, Path cacheDir) {
        this.info = info;
        this.handle = handle;
        this.cacheDir = cacheDir;
    }

    @Override
    public DeviceInfo info() {
        return info;
    }

    /** A ready device: context, queue and CLBlast loaded and warmed up. */
    @Override
    public ClDevice open() {
        return ClDevice.open(info, handle, cacheDir, true);
    }

    /** Context and queue only; CLBlast loads at the first GEMM. For native-check's separate rungs. */
    public ClDevice openWithoutClBlast() {
        return ClDevice.open(info, handle, cacheDir, false);
    }
}
