package io.clnet.device;

/** A device that cannot be used; the message is the one-line reason shown to the user. */
public class DeviceUnavailableException extends RuntimeException {
    public DeviceUnavailableException(String reason) {
        super(reason);
    }

    public DeviceUnavailableException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
