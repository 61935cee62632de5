package io.clnet.device.opencl;

import io.clnet.device.DeviceInfo;
import io.clnet.device.DeviceUnavailableException;
import io.clnet.device.OpenClProvider;
import io.clnet.util.UserCache;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.jocl.CL.*;

/**
 * Finds OpenCL devices through JOCL. Every way OpenCL can be missing becomes a
 * {@link DeviceUnavailableException} whose message says why and what to install.
 */
public final class ClPlatforms implements OpenClProvider {
    static final String INSTALL_HINT = "install an OpenCL driver, e.g. 'apt-get install ocl-icd-libopencl1 pocl-opencl-icd'";

    /** The native handle behind a discovered device. */
    record Handle(cl_platform_id platform, cl_device_id device) {
    }

    private final Path cacheDir;

    /** @param cacheDir where opened devices keep program binaries, or null for none */
    public ClPlatforms(Path cacheDir) {
        this.cacheDir = cacheDir;
    }

    /** The real OpenCL stack with the user's kernel cache directory. */
    public static ClPlatforms system() {
        return new ClPlatforms(UserCache.root().resolve("kernels"));
    }

    @Override
    public List<Candidate> discover() {
        cl_platform_id[] platforms = platforms();
        List<Candidate> found = new ArrayList<>();
        for (int p = 0; p < platforms.length; p++) {
            cl_device_id[] devices = devices(platforms[p]);
            for (int d = 0; d < devices.length; d++) {
                found.add(new ClCandidate(describe(p, d, platforms[p], devices[d]), new Handle(platforms[p], devices[d]), cacheDir));
            }
        }
        return found;
    }

    /** Loads JOCL's native library (which links libOpenCL.so.1); throws with the reason when it cannot. */
    public static void loadNative() {
        try {
            CL.setExceptionsEnabled(true);
        } catch (LinkageError e) {
            throw unavailable(e);
        }
    }

    private static cl_platform_id[] platforms() {
        int[] count = new int[1];
        try {
            CL.setExceptionsEnabled(true);
            clGetPlatformIDs(0, null, count);
        } catch (LinkageError | CLException e) {
            throw unavailable(e);
        }
        if (count[0] == 0) {
            throw new DeviceUnavailableException("no OpenCL platform: the loader found no driver; " + INSTALL_HINT);
        }
        cl_platform_id[] platforms = new cl_platform_id[count[0]];
        clGetPlatformIDs(count[0], platforms, null);
        return platforms;
    }

    /**
     * The one-line reason for what asking JOCL for platforms threw: a {@link LinkageError} means no OpenCL
     * loader (libOpenCL.so.1) could be loaded; a {@link CLException} means the loader found no driver.
     */
    public static DeviceUnavailableException unavailable(Throwable e) {
        if (e instanceof LinkageError) {
            return new DeviceUnavailableException("no OpenCL loader: JOCL could not load libOpenCL.so.1 (" + e.getMessage()
                    + "); " + INSTALL_HINT, e);
        }
        String status = e instanceof CLException cl ? ClErrors.name(cl.getStatus()) : e.toString();
        String vendors = System.getenv("OCL_ICD_VENDORS");
        return new DeviceUnavailableException("no OpenCL platform: the loader found no driver (" + status
                + (vendors != null ? ", OCL_ICD_VENDORS=" + vendors : "") + "); " + INSTALL_HINT, e);
    }

    private static cl_device_id[] devices(cl_platform_id platform) {
        int[] count = new int[1];
        try {
            clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 0, null, count);
        } catch (CLException e) {
            return new cl_device_id[0]; // CL_DEVICE_NOT_FOUND: a platform with no devices
        }
        cl_device_id[] devices = new cl_device_id[count[0]];
        clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, count[0], devices, null);
        return devices;
    }

    private static DeviceInfo describe(int p, int d, cl_platform_id platform, cl_device_id device) {
        long[] type = new long[1];
        clGetDeviceInfo(device, CL_DEVICE_TYPE, Sizeof.cl_long, Pointer.to(type), null);
        int[] units = new int[1];
        clGetDeviceInfo(device, CL_DEVICE_MAX_COMPUTE_UNITS, Sizeof.cl_uint, Pointer.to(units), null);
        long[] memory = new long[1];
        clGetDeviceInfo(device, CL_DEVICE_GLOBAL_MEM_SIZE, Sizeof.cl_ulong, Pointer.to(memory), null);
        String version = deviceString(device, CL_DEVICE_VERSION) + ", driver " + deviceString(device, CL_DRIVER_VERSION)
                + ", " + platformString(platform, CL_PLATFORM_NAME);
        return new DeviceInfo("opencl:" + p + ":" + d, "opencl", deviceString(device, CL_DEVICE_NAME), typeName(type[0]),
                units[0], memory[0], version);
    }

    private static String typeName(long type) {
        if ((type & CL_DEVICE_TYPE_GPU) != 0) {
            return "GPU";
        }
        if ((type & CL_DEVICE_TYPE_ACCELERATOR) != 0) {
            return "ACCELERATOR";
        }
        if ((type & CL_DEVICE_TYPE_CPU) != 0) {
            return "CPU";
        }
        return "OTHER";
    }

    private static String deviceString(cl_device_id device, int param) {
        long[] size = new long[1];
        clGetDeviceInfo(device, param, 0, null, size);
        byte[] bytes = new byte[(int) size[0]];
        clGetDeviceInfo(device, param, bytes.length, Pointer.to(bytes), null);
        return cString(bytes);
    }

    private static String platformString(cl_platform_id platform, int param) {
        long[] size = new long[1];
        clGetPlatformInfo(platform, param, 0, null, size);
        byte[] bytes = new byte[(int) size[0]];
        clGetPlatformInfo(platform, param, bytes.length, Pointer.to(bytes), null);
        return cString(bytes);
    }

    private static String cString(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8).trim();
    }
}
