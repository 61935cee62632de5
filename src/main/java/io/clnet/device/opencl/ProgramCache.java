package io.clnet.device.opencl;

import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_program;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

import static org.jocl.CL.*;

/**
 * The one place programs are built: once per context for each (file, options), with program binaries kept
 * on disk under a key of device name, driver version, full source and options, so a second start loads
 * the binary instead of compiling. A build failure throws {@link KernelBuildException} with the log.
 */
final class ProgramCache implements AutoCloseable {
    private final cl_context context;
    private final cl_device_id device;
    private final String deviceKey;
    private final Path diskDir;
    private final Map<String, cl_program> programs = new HashMap<>();
    private final Map<String, cl_kernel> kernels = new HashMap<>();
    private int sourceBuilds;
    private int binaryLoads;

    /** @param diskDir where binaries are kept, or null to always build from source */
    ProgramCache(cl_context context, cl_device_id device, String deviceKey, Path diskDir) {
        this.context = context;
        this.device = device;
        this.deviceKey = deviceKey;
        this.diskDir = diskDir;
    }

    /** The kernel {@code name} of {@code kernels/<file>} built with {@code options}; created once and reused. */
    synchronized cl_kernel kernel(String file, String options, String name) {
        String key = file + "|" + options + "|" + name;
        cl_kernel kernel = kernels.get(key);
        if (kernel == null) {
            cl_program program = program(file, options);
            try {
                kernel = clCreateKernel(program, name, null);
            } catch (CLException e) {
                throw new KernelBuildException(file, options, ClErrors.describe("no kernel '" + name + "'", e), "");
            }
            kernels.put(key, kernel);
        }
        return kernel;
    }

    synchronized cl_program program(String file, String options) {
        String key = file + "|" + options;
        cl_program program = programs.get(key);
        if (program == null) {
            program = load(file, options);
            programs.put(key, program);
        }
        return program;
    }

    /** Programs compiled from source since this cache opened. */
    synchronized int sourceBuilds() {
        return sourceBuilds;
    }

    /** Programs loaded from on-disk binaries since this cache opened. */
    synchronized int binaryLoads() {
        return binaryLoads;
    }

    private cl_program load(String file, String options) {
        String source = KernelSources.load(file);
        Path binaryFile = diskDir == null ? null : diskDir.resolve(cacheKey(source, options) + ".bin");
        if (binaryFile != null && Files.isRegularFile(binaryFile)) {
            cl_program fromDisk = fromBinary(binaryFile, options);
            if (fromDisk != null) {
                binaryLoads++;
                return fromDisk;
            }
        }
        cl_program program = clCreateProgramWithSource(context, 1, new String[] {source}, null, null);
        build(program, file, options);
        sourceBuilds++;
        if (binaryFile != null) {
            saveBinary(program, binaryFile);
        }
        return program;
    }

    private void build(cl_program program, String file, String options) {
        try {
            clBuildProgram(program, 1, new cl_device_id[] {device}, options, null, null);
        } catch (CLException e) {
            String log = buildLog(program);
            clReleaseProgram(program);
            throw new KernelBuildException(file, options, ClErrors.name(e.getStatus()), log);
        }
    }

    /** A program from a cached binary, or null when the driver rejects it (then we rebuild from source). */
    private cl_program fromBinary(Path binaryFile, String options) {
        cl_program program = null;
        try {
            byte[] binary = Files.readAllBytes(binaryFile);
            int[] status = new int[1];
            program = clCreateProgramWithBinary(context, 1, new cl_device_id[] {device}, new long[] {binary.length},
                    new byte[][] {binary}, status, null);
            clBuildProgram(program, 1, new cl_device_id[] {device}, options, null, null);
            return program;
        } catch (IOException | CLException e) {
            if (program != null) {
                clReleaseProgram(program);
            }
            return null;
        }
    }

    /** Written to a temp file and renamed, so a crash never leaves a half binary that a later start would trust. */
    private void saveBinary(cl_program program, Path binaryFile) {
        try {
            long[] size = new long[1];
            clGetProgramInfo(program, CL_PROGRAM_BINARY_SIZES, Sizeof.size_t, Pointer.to(size), null);
            if (size[0] <= 0) {
                return;
            }
            byte[] binary = new byte[(int) size[0]];
            clGetProgramInfo(program, CL_PROGRAM_BINARIES, Sizeof.POINTER, Pointer.to(Pointer.to(binary)), null);
            Files.createDirectories(binaryFile.getParent());
            Path tmp = Files.createTempFile(binaryFile.getParent(), "program", ".tmp");
            Files.write(tmp, binary);
            Files.move(tmp, binaryFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | CLException e) {
            // The cache only saves time: a read-only home directory must not stop training.
        }
    }

    private String buildLog(cl_program program) {
        try {
            long[] size = new long[1];
            clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, 0, null, size);
            byte[] log = new byte[(int) size[0]];
            clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, log.length, Pointer.to(log), null);
            return new String(log, StandardCharsets.UTF_8).replace("\0", "");
        } catch (CLException e) {
            return "(no build log: " + ClErrors.name(e.getStatus()) + ")";
        }
    }

    private String cacheKey(String source, String options) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {deviceKey, options, source}) {
                sha.update(part.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void close() {
        kernels.values().forEach(k -> clReleaseKernel(k));
        programs.values().forEach(p -> clReleaseProgram(p));
        kernels.clear();
        programs.clear();
    }
}
