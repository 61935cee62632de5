package io.clnet.device.cpu;

import java.util.List;

/**
 * Picks the CPU GEMM, convolutions and loops: the Vector API code when the JVM has {@code jdk.incubator.vector},
 * else the scalar code. Vector classes are loaded by name, so this class loads (and the jar runs) without the module.
 */
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

    /**
     * The Vector API convolutions in the order a pass is offered to them ({@link OneChannelConv} for a one-channel
     * image into few out-channels, {@link NarrowConv} for few channels or short kernel rows, then {@link VectorConv},
     * {@link PairedBackwardData} for the backward-data of pixels that fill half a vector, and {@link ChunkedCol2imConv}
     * for the backward-data the others leave), or none without the incubator module (convolutions then run as
     * im2col + GEMM).
     */
    static List<CpuConv> vectorConvs() {
        CpuConv wide = load("VectorConv", CpuConv.class), narrow = load("NarrowConv", CpuConv.class);
        CpuConv oneChannel = load("OneChannelConv", CpuConv.class), chunked = load("ChunkedCol2imConv", CpuConv.class);
        CpuConv paired = load("PairedBackwardData", CpuConv.class);
        return wide == null || narrow == null || oneChannel == null || chunked == null || paired == null ? List.of()
                : List.of(oneChannel, narrow, wide, paired, chunked);
    }

    /** The Vector API ReLU and pooling loops, or null (they then run as scalar loops). */
    static CpuLoops vectorLoops() {
        return load("VectorLoops", CpuLoops.class);
    }

    private static <T> T load(String simpleName, Class<T> type) {
        if (!vectorModulePresent()) {
            return null;
        }
        try {
            return type.cast(Class.forName("io.clnet.device.cpu." + simpleName).getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException | LinkageError e) {
            warnOnce(simpleName + " failed to load (" + e + "); its ops run as scalar loops or im2col + GEMM");
            return null;
        }
    }

    private static void warnOnce(String message) {
        if (!warned) {
            warned = true;
            System.getLogger("io.clnet").log(System.Logger.Level.WARNING, message);
        }
    }
}
