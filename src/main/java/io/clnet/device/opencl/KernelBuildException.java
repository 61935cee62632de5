package io.clnet.device.opencl;

import io.clnet.device.DeviceUnavailableException;

/** An OpenCL program that did not build, with the file, the options and the driver's whole build log. */
public final class KernelBuildException extends DeviceUnavailableException {
    private final String file;
    private final String options;
    private final String buildLog;

    public KernelBuildException(String file, String options, String error, String buildLog) {
        super("kernel kernels/" + file + " did not build with options '" + options + "': " + error
                + (buildLog.isBlank() ? "" : "\n--- build log ---\n" + buildLog.strip()));
        this.file = file;
        this.options = options;
        this.buildLog = buildLog;
    }

    public String file() {
        return file;
    }

    public String options() {
        return options;
    }

    public String buildLog() {
        return buildLog;
    }
}
