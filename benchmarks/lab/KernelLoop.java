import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Locale;

/**
 * Lab: how fast four shapes of the 8 x (2 vectors) FMA register kernel run on one core, data in L1/L2, against
 * the core's FMA peak (12 independent FMA chains). The kernels differ only in how they index A and B, which
 * decides how many instructions beside the 16 FMAs each iteration issues. Run on both kinds of x86 core:
 *
 *   java --add-modules jdk.incubator.vector benchmarks/lab/KernelLoop.java
 *
 * See README.md in this folder for what it measured.
 */
public class KernelLoop {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length(), MR = 8, NR = 2 * L, KC = 256;

    /** clnet's kernel today (VectorBlock.multiply): row offsets and both steps are arguments. */
    static void strided(int count, float[] a, int[] rows, int aStep, float[] b, int bi, int bStep, float[] dst) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        int o0 = rows[0], o1 = rows[1], o2 = rows[2], o3 = rows[3], o4 = rows[4], o5 = rows[5], o6 = rows[6], o7 = rows[7];
        for (int p = 0, e = 0; p < count; p++, e += aStep, bi += bStep) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector a0 = FloatVector.broadcast(S, a[o0 + e]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[o1 + e]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[o2 + e]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[o3 + e]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, a[o4 + e]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, a[o5 + e]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(S, a[o6 + e]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(S, a[o7 + e]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
        }
        c00.intoArray(dst, 0 * NR);
        c01.intoArray(dst, 0 * NR + L);
        c10.intoArray(dst, 1 * NR);
        c11.intoArray(dst, 1 * NR + L);
        c20.intoArray(dst, 2 * NR);
        c21.intoArray(dst, 2 * NR + L);
        c30.intoArray(dst, 3 * NR);
        c31.intoArray(dst, 3 * NR + L);
        c40.intoArray(dst, 4 * NR);
        c41.intoArray(dst, 4 * NR + L);
        c50.intoArray(dst, 5 * NR);
        c51.intoArray(dst, 5 * NR + L);
        c60.intoArray(dst, 6 * NR);
        c61.intoArray(dst, 6 * NR + L);
        c70.intoArray(dst, 7 * NR);
        c71.intoArray(dst, 7 * NR + L);
    }

    /** Steps as constants (aStep 1, bStep NR), eight row offsets: bounds checks hoisted, offsets kept as 64-bit values. */
    static void rows(int count, float[] a, int[] rows, float[] b, int bi, float[] dst) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        int o0 = rows[0], o1 = rows[1], o2 = rows[2], o3 = rows[3], o4 = rows[4], o5 = rows[5], o6 = rows[6], o7 = rows[7];
        for (int p = 0; p < count; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi + p * NR);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + p * NR + L);
            FloatVector a0 = FloatVector.broadcast(S, a[o0 + p]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[o1 + p]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[o2 + p]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[o3 + p]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, a[o4 + p]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, a[o5 + p]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(S, a[o6 + p]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(S, a[o7 + p]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
        }
        c00.intoArray(dst, 0 * NR);
        c01.intoArray(dst, 0 * NR + L);
        c10.intoArray(dst, 1 * NR);
        c11.intoArray(dst, 1 * NR + L);
        c20.intoArray(dst, 2 * NR);
        c21.intoArray(dst, 2 * NR + L);
        c30.intoArray(dst, 3 * NR);
        c31.intoArray(dst, 3 * NR + L);
        c40.intoArray(dst, 4 * NR);
        c41.intoArray(dst, 4 * NR + L);
        c50.intoArray(dst, 5 * NR);
        c51.intoArray(dst, 5 * NR + L);
        c60.intoArray(dst, 6 * NR);
        c61.intoArray(dst, 6 * NR + L);
        c70.intoArray(dst, 7 * NR);
        c71.intoArray(dst, 7 * NR + L);
    }

    /** A packed with its eight rows KC apart: one index for all eight broadcasts, constant displacements. */
    static void packedRows(int count, float[] a, int ai, float[] b, int bi, float[] dst) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        for (int p = 0; p < count; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi + p * NR);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + p * NR + L);
            FloatVector a0 = FloatVector.broadcast(S, a[ai + 0 + p]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[ai + 1 * KC + p]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[ai + 2 * KC + p]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[ai + 3 * KC + p]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, a[ai + 4 * KC + p]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, a[ai + 5 * KC + p]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(S, a[ai + 6 * KC + p]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(S, a[ai + 7 * KC + p]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
        }
        c00.intoArray(dst, 0 * NR);
        c01.intoArray(dst, 0 * NR + L);
        c10.intoArray(dst, 1 * NR);
        c11.intoArray(dst, 1 * NR + L);
        c20.intoArray(dst, 2 * NR);
        c21.intoArray(dst, 2 * NR + L);
        c30.intoArray(dst, 3 * NR);
        c31.intoArray(dst, 3 * NR + L);
        c40.intoArray(dst, 4 * NR);
        c41.intoArray(dst, 4 * NR + L);
        c50.intoArray(dst, 5 * NR);
        c51.intoArray(dst, 5 * NR + L);
        c60.intoArray(dst, 6 * NR);
        c61.intoArray(dst, 6 * NR + L);
        c70.intoArray(dst, 7 * NR);
        c71.intoArray(dst, 7 * NR + L);
    }

    /** A packed interleaved (BLIS): the eight rows' elements for one k side by side. */
    static void interleaved(int count, float[] a, int ai, float[] b, int bi, float[] dst) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        for (int p = 0; p < count; p++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi + p * NR);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + p * NR + L);
            FloatVector a0 = FloatVector.broadcast(S, a[ai + p * MR + 0]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[ai + p * MR + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[ai + p * MR + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[ai + p * MR + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, a[ai + p * MR + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, a[ai + p * MR + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(S, a[ai + p * MR + 6]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(S, a[ai + p * MR + 7]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
        }
        c00.intoArray(dst, 0 * NR);
        c01.intoArray(dst, 0 * NR + L);
        c10.intoArray(dst, 1 * NR);
        c11.intoArray(dst, 1 * NR + L);
        c20.intoArray(dst, 2 * NR);
        c21.intoArray(dst, 2 * NR + L);
        c30.intoArray(dst, 3 * NR);
        c31.intoArray(dst, 3 * NR + L);
        c40.intoArray(dst, 4 * NR);
        c41.intoArray(dst, 4 * NR + L);
        c50.intoArray(dst, 5 * NR);
        c51.intoArray(dst, 5 * NR + L);
        c60.intoArray(dst, 6 * NR);
        c61.intoArray(dst, 6 * NR + L);
        c70.intoArray(dst, 7 * NR);
        c71.intoArray(dst, 7 * NR + L);
    }

    /** Twelve FMA chains, 36 FMAs an iteration; too large to inline, so C2 compiles it as a method. */
    static void peak(float[] sink) {
        FloatVector x = FloatVector.broadcast(S, 0.999999f), y = FloatVector.broadcast(S, 1e-7f);
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (int i = 0; i < 256; i++) {
            a0 = a0.fma(x, y);
            a1 = a1.fma(x, y);
            a2 = a2.fma(x, y);
            a3 = a3.fma(x, y);
            a4 = a4.fma(x, y);
            a5 = a5.fma(x, y);
            a6 = a6.fma(x, y);
            a7 = a7.fma(x, y);
            a8 = a8.fma(x, y);
            a9 = a9.fma(x, y);
            a10 = a10.fma(x, y);
            a11 = a11.fma(x, y);
            a0 = a0.fma(x, y);
            a1 = a1.fma(x, y);
            a2 = a2.fma(x, y);
            a3 = a3.fma(x, y);
            a4 = a4.fma(x, y);
            a5 = a5.fma(x, y);
            a6 = a6.fma(x, y);
            a7 = a7.fma(x, y);
            a8 = a8.fma(x, y);
            a9 = a9.fma(x, y);
            a10 = a10.fma(x, y);
            a11 = a11.fma(x, y);
            a0 = a0.fma(x, y);
            a1 = a1.fma(x, y);
            a2 = a2.fma(x, y);
            a3 = a3.fma(x, y);
            a4 = a4.fma(x, y);
            a5 = a5.fma(x, y);
            a6 = a6.fma(x, y);
            a7 = a7.fma(x, y);
            a8 = a8.fma(x, y);
            a9 = a9.fma(x, y);
            a10 = a10.fma(x, y);
            a11 = a11.fma(x, y);
        }
        a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11).intoArray(sink, 0);
    }

    interface Call {
        void run(int panel);
    }

    /** Best GFLOP/s of {@code rounds} rounds of {@code calls} calls, each {@code flopsPerCall}. */
    static double rate(Call call, int calls, double flopsPerCall, int rounds) {
        double best = 0;
        for (int r = 0; r < rounds; r++) {
            long t = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                call.run(i & 3);
            }
            best = Math.max(best, flopsPerCall * calls / ((System.nanoTime() - t) / 1e9) / 1e9);
        }
        return best;
    }

    public static void main(String[] args) {
        int kc = KC, panels = 4;
        float[] a = new float[MR * kc * 2 + kc * MR], b = new float[panels * kc * NR], dst = new float[MR * NR];
        java.util.Random random = new java.util.Random(1);
        for (int i = 0; i < a.length; i++) {
            a[i] = random.nextFloat();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = random.nextFloat();
        }
        int[] rowsContiguous = new int[MR], rowsStrided = new int[MR];
        for (int r = 0; r < MR; r++) {
            rowsContiguous[r] = r * kc; // rows of A in place, one after another
            rowsStrided[r] = r;          // A interleaved, read with aStep = MR
        }
        float[] sink = new float[L];
        double flops = 2.0 * MR * NR * kc;
        String[] names = {"peak (12 FMA chains)", "strided (clnet today, A rows)", "strided (clnet today, A packed)", "rows", "packedRows", "interleaved"};
        Call[] calls = {
            p -> peak(sink),
            p -> strided(kc, a, rowsContiguous, 1, b, p * kc * NR, NR, dst),
            p -> strided(kc, a, rowsStrided, MR, b, p * kc * NR, NR, dst),
            p -> rows(kc, a, rowsContiguous, b, p * kc * NR, dst),
            p -> packedRows(kc, a, 0, b, p * kc * NR, dst),
            p -> interleaved(kc, a, 0, b, p * kc * NR, dst),
        };
        double[] perCall = {2.0 * 36 * 256 * L, flops, flops, flops, flops, flops};
        for (int i = 0; i < calls.length; i++) { // warm every kernel up before timing any
            rate(calls[i], 20_000, perCall[i], 3);
        }
        double peak = 0;
        System.out.printf(Locale.ROOT, "%d-bit vectors, one thread, %s%n", S.vectorBitSize(), cpu());
        for (int round = 0; round < 3; round++) {
            StringBuilder line = new StringBuilder("round " + (round + 1) + ":");
            for (int i = 0; i < calls.length; i++) {
                double g = rate(calls[i], 20_000, perCall[i], 5);
                if (i == 0) {
                    peak = Math.max(peak, g);
                }
                line.append(String.format(Locale.ROOT, "%n  %-32s %7.1f GFLOP/s  %5.1f%% of peak", names[i], g, 100 * g / peak));
            }
            System.out.println(line);
        }
    }

    static String cpu() {
        try {
            return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("?");
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
