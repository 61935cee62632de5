import io.clnet.device.Buffer;
import io.clnet.device.Device;
import io.clnet.device.DeviceUnavailableException;
import io.clnet.device.OpenClProvider;
import io.clnet.device.Window2d;
import io.clnet.device.cpu.CpuDevice;
import io.clnet.device.opencl.ClCandidate;
import io.clnet.device.opencl.ClDevice;
import io.clnet.device.opencl.ClPlatforms;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The native-check ladder (run it through native-check/run). Each rung depends on the ones before it:
 * loader -> ICD files -> JOCL native -> platforms and devices -> context and queue -> our kernel vs the
 * CPU backend -> CLBlast native -> CLBlast SGEMM vs the CPU backend. The first failing rung prints its fix.
 */
public class NativeCheck {
    static final String RUNTIME_FIX = "install an OpenCL runtime: 'apt-get install ocl-icd-libopencl1 pocl-opencl-icd' (any CPU), "
            + "or your GPU vendor's ICD (mesa-opencl-icd, intel-opencl-icd, nvidia-opencl-icd)";

    /** A failed rung: what was seen, and what to do about it. */
    static final class Failed extends Exception {
        final String fix;

        Failed(String detail, String fix) {
            super(detail);
            this.fix = fix;
        }
    }

    interface Rung {
        /** Returns what was found, or throws {@link Failed}. */
        String run() throws Exception;
    }

    private String deviceSpec;
    private ClCandidate candidate;
    private ClDevice device;

    public static void main(String[] args) {
        NativeCheck check = new NativeCheck();
        if (args.length == 2 && args[0].equals("--device")) {
            check.deviceSpec = args[1];
        } else if (args.length != 0) {
            System.err.println("usage: native-check/run [--device opencl:P:D]");
            System.exit(2);
        }
        int code = check.climb();
        System.exit(code);
    }

    int climb() {
        String[] names = {"OpenCL loader (libOpenCL.so.1)", "OpenCL ICD files", "JOCL native library",
                "OpenCL platforms and devices", "context and queue", "our kernel im2col.cl against the CPU backend",
                "CLBlast native library", "CLBlast SGEMM on integer inputs against the CPU backend"};
        Rung[] rungs = {this::loader, this::icdFiles, this::joclNative, this::platforms, this::contextAndQueue,
                this::ourKernel, this::clBlastNative, this::clBlastSgemm};
        try {
            for (int i = 0; i < rungs.length; i++) {
                System.out.print("checking " + names[i] + "... ");
                System.out.flush();
                try {
                    System.out.println("ok (" + rungs[i].run() + ")");
                } catch (Failed f) {
                    return fail(names[i], f.getMessage(), f.fix, i, rungs.length);
                } catch (Exception | LinkageError e) {
                    return fail(names[i], String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString()),
                            "run with a stable driver or report this output", i, rungs.length);
                }
            }
            System.out.println("all " + rungs.length + " checks passed: clnet can use OpenCL on " + device.info().id());
            return 0;
        } finally {
            if (device != null) {
                device.close();
            }
        }
    }

    private static int fail(String rung, String detail, String fix, int passed, int total) {
        System.out.println("FAILED");
        System.out.println("  " + detail);
        System.out.println("first failing check: " + rung + " (" + passed + " of " + total + " passed)");
        System.out.println("fix: " + fix);
        System.out.println("(clnet itself still runs: it falls back to its CPU backend)");
        return 1;
    }

    String loader() throws Exception {
        try {
            Process p = new ProcessBuilder("/sbin/ldconfig", "-p").redirectErrorStream(true).start();
            for (String line : new String(p.getInputStream().readAllBytes()).split("\n")) {
                if (line.contains("libOpenCL.so.1") && line.contains("=>")) {
                    return line.substring(line.indexOf("=>") + 2).trim();
                }
            }
        } catch (java.io.IOException e) {
            // no ldconfig: look in the usual places instead
        }
        List<String> dirs = new ArrayList<>(List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64",
                "/usr/lib", "/usr/local/lib"));
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld != null) {
            dirs.addAll(0, Arrays.asList(ld.split(File.pathSeparator)));
        }
        for (String dir : dirs) {
            Path candidate = Path.of(dir, "libOpenCL.so.1");
            if (Files.exists(candidate)) {
                return candidate.toString();
            }
        }
        throw new Failed("libOpenCL.so.1 is not in the linker cache nor in " + dirs, RUNTIME_FIX);
    }

    String icdFiles() throws Exception {
        String vendors = System.getenv("OCL_ICD_VENDORS");
        Path dir = Path.of(vendors != null ? vendors : "/etc/OpenCL/vendors");
        if (vendors != null && !Files.exists(dir)) {
            throw new Failed("OCL_ICD_VENDORS=" + vendors + " does not exist",
                    "unset OCL_ICD_VENDORS, or point it at a directory of .icd files (normally /etc/OpenCL/vendors)");
        }
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.isDirectory(dir) ? Files.list(dir) : Stream.of(dir)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".icd")).sorted().toList()) {
                found.add(f.getFileName() + " -> " + Files.readString(f).trim());
            }
        }
        if (found.isEmpty()) {
            throw new Failed("no .icd file in " + dir + ": the loader has no driver to load", RUNTIME_FIX);
        }
        return String.join(", ", found);
    }

    String joclNative() throws Failed {
        try {
            ClPlatforms.loadNative();
            return "org.jocl 2.0.6";
        } catch (DeviceUnavailableException e) {
            throw new Failed(e.getMessage(), RUNTIME_FIX);
        }
    }

    String platforms() throws Failed {
        List<OpenClProvider.Candidate> all;
        try {
            all = ClPlatforms.system().discover();
        } catch (DeviceUnavailableException e) {
            throw new Failed(e.getMessage(), RUNTIME_FIX);
        }
        if (all.isEmpty()) {
            throw new Failed("the platforms list no device", RUNTIME_FIX);
        }
        List<String> names = new ArrayList<>();
        for (OpenClProvider.Candidate c : all) {
            names.add(c.info().toString());
            boolean wanted = deviceSpec == null ? candidate == null || !candidate.info().isGpuOrAccelerator()
                    && c.info().isGpuOrAccelerator() : c.info().id().equals(deviceSpec);
            if (wanted) {
                candidate = (ClCandidate) c;
            }
        }
        if (candidate == null) {
            throw new Failed("no device " + deviceSpec + " among " + names, "pick one of the ids listed by 'clnet devices'");
        }
        return String.join(", ", names) + "; checking " + candidate.info().id();
    }

    String contextAndQueue() throws Failed {
        try {
            device = candidate.openWithoutClBlast();
            return candidate.info().version();
        } catch (DeviceUnavailableException e) {
            throw new Failed(e.getMessage(), "the driver is installed but cannot run: update it, or check 'clinfo' for errors");
        }
    }

    String ourKernel() throws Failed {
        Window2d window = new Window2d(2, 9, 7, 3, 3, 2, 2, 1, 1, 0);
        float[] image = new float[window.inputLength()];
        Random random = new Random(1);
        for (int i = 0; i < image.length; i++) {
            image[i] = random.nextInt(100);
        }
        int length = window.patchRows() * window.patchCols();
        float[] got, want;
        try {
            got = im2col(device, image, window, length);
        } catch (DeviceUnavailableException e) {
            throw new Failed(e.getMessage(), "the OpenCL compiler of this driver rejects our kernel: update the driver, "
                    + "and report the build log above");
        }
        try (CpuDevice cpu = new CpuDevice(false)) {
            want = im2col(cpu, image, window, length);
        }
        if (!Arrays.equals(got, want)) {
            throw new Failed("im2col on " + device.info().id() + " differs from the CPU backend",
                    "this driver computes wrong results: update it, or use --device cpu");
        }
        return length + " values equal";
    }

    String clBlastNative() throws Failed {
        try {
            ClDevice.loadClBlast();
            return "CLBlast 1.5.2 from org.jocl:jocl-blast";
        } catch (DeviceUnavailableException e) {
            throw new Failed(e.getMessage(), "the bundled libclblast.so needs glibc and libOpenCL.so.1: "
                    + "on Debian/Ubuntu 'apt-get install ocl-icd-libopencl1'");
        }
    }

    String clBlastSgemm() throws Failed {
        int m = 67, n = 45, k = 129;
        Random random = new Random(2);
        float[] a = new float[m * k], b = new float[k * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = random.nextInt(7) - 3;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = random.nextInt(7) - 3;
        }
        float[] got;
        float[] want;
        long start = System.nanoTime();
        try {
            got = gemm(device, a, b, m, n, k);
        } catch (DeviceUnavailableException e) {
            throw new Failed(e.getMessage(), "CLBlast could not compile or run its kernels on this device: update the driver");
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        try (CpuDevice cpu = new CpuDevice(false)) {
            want = gemm(cpu, a, b, m, n, k);
        }
        if (!Arrays.equals(got, want)) {
            throw new Failed("SGEMM " + m + "x" + n + "x" + k + " on " + device.info().id() + " differs from the CPU backend",
                    "this driver computes wrong GEMM results: update it, or use --device cpu");
        }
        return m + "x" + n + "x" + k + " exact, first call with CLBlast warm-up " + ms + " ms";
    }

    private static float[] im2col(Device d, float[] image, Window2d w, int length) {
        try (Buffer in = d.allocate(image.length); Buffer out = d.allocate(length)) {
            d.upload(in, 0, image, 0, image.length);
            d.im2col(out, in, w);
            float[] result = new float[length];
            d.download(result, 0, out, 0, length);
            return result;
        }
    }

    private static float[] gemm(Device d, float[] a, float[] b, int m, int n, int k) {
        try (Buffer ab = d.allocate(a.length); Buffer bb = d.allocate(b.length); Buffer cb = d.allocate(m * n)) {
            d.upload(ab, 0, a, 0, a.length);
            d.upload(bb, 0, b, 0, b.length);
            d.gemm(false, false, m, n, k, 1f, ab, 0, k, bb, 0, n, 0f, cb, 0, n);
            float[] c = new float[m * n];
            d.download(c, 0, cb, 0, c.length);
            return c;
        }
    }
}
