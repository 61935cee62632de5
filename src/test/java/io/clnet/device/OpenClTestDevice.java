package io.clnet.device;

import io.clnet.device.opencl.ClPlatforms;
import io.clnet.TestEnvironment;

import java.util.List;

/**
 * The OpenCL device the tests run on (PoCL in CI), opened once per JVM. Under {@code CI=true} a missing
 * device fails the test; elsewhere the OpenCL half is skipped with the reason.
 */
public final class OpenClTestDevice {
    private static Device device;
    private static String problem;

    private OpenClTestDevice() {
    }

    public static synchronized Device get() {
        if (device == null && problem == null) {
            try {
                List<OpenClProvider.Candidate> candidates = ClPlatforms.system().discover();
                if (candidates.isEmpty()) {
                    problem = "OpenCL reports no devices";
                } else {
                    device = candidates.get(0).open();
                }
            } catch (DeviceUnavailableException e) {
                problem = e.getMessage();
            }
        }
        if (device == null) {
            TestEnvironment.missing("no OpenCL device for the OpenCL tests: " + problem);
        }
        return device;
    }
}
