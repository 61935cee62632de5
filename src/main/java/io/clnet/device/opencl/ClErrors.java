package io.clnet.device.opencl;

import org.jocl.CL;
import org.jocl.CLException;

/** OpenCL error codes as names: {@code CL_OUT_OF_RESOURCES (-5)}, never a bare integer. */
final class ClErrors {
    private ClErrors() {
    }

    static String name(int code) {
        String name = CL.stringFor_errorCode(code);
        return (name == null || name.startsWith("INVALID") ? "CL error" : name) + " (" + code + ")";
    }

    /** "what failed: CL_NAME (code)". */
    static String describe(String what, CLException e) {
        return what + ": " + name(e.getStatus());
    }
}
