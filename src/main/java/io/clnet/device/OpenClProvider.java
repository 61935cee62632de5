package io.clnet.device;

import java.util.List;

/**
 * How device selection sees OpenCL, so the selector never imports {@code org.jocl} and tests can inject
 * every way OpenCL can be missing or broken.
 */
public interface OpenClProvider {

    /** One OpenCL device that can be opened. */
    interface Candidate {
        DeviceInfo info();

        /** Opens a context on it; throws {@link DeviceUnavailableException} when it cannot (failed build, CLBlast missing...). */
        Device open();
    }

    /**
     * Every OpenCL device, in platform then device order.
     *
     * @throws DeviceUnavailableException with the reason when OpenCL is unusable (no loader, no platform)
     */
    List<Candidate> discover();
}
