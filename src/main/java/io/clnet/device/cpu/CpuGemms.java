package io.clnet.device.cpu;

/** Picks the CPU GEMM and convolution: the Vector API kernels when the JVM has {@code jdk.incubator.vector}, else the scalar GEMM. */
final class CpuGemms {
    private static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static volatile boolean warned;

    private CpuGemms() {
    }

    static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    }

    static CpuGemm best() {
        if (vectorModulePresent()) {
            try {
                // By name, so this class loads (and the jar runs) on a JVM without the incubator module.
                return (CpuGemm) Class.forName("io.clnet.device.cpu.VectorGemm").getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                warnOnce("the Vector API GEMM failed to load (" + e + "); using the scalar path");
                return new ScalarGemm();
            }
        }
        warnOnce("CPU GEMM runs the slow scalar path; start Java with --add-modules " + VECTOR_MODULE + " for the fast one");
        return new ScalarGemm();
    }

    /** The Vector API convolution, or null without the incubator module (convolutions then run as im2col + GEMM). */
    static CpuConv vectorConv() {
        if (!vectorModulePresent()) {
            return null;
        }
        try {
            return (CpuConv) Class.forName("io.clnet.device.cpu.VectorConv").getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            warnOnce("the Vector API convolution failed to load (" + e + "); convolutions run as im2col + GEMM");
            return null;
        }
    }

    private static void warnOnce(String message) {
        if (!warned) {
            warned = true;
            System.err.println("clnet: " + message);
        }
    }
}
