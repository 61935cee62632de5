package io.clnet.device.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The CPU's FMA peak as this JVM reaches it: twelve independent FMA chains of the preferred vector width on every
 * core (enough to hide FMA latency on two pipes), best of ten rounds. {@code compare} and the benchmarks state
 * speed as a share of it.
 *
 * <p>The chains run in {@link #block}, a fixed number of iterations per call, made too large for C2 to inline
 * (three unrolled rounds of twelve), so that it is called thousands of times and C2 compiles it as a method of
 * its own. One long loop in one call was only ever compiled on stack replacement, whose entry takes the twelve
 * accumulators from the interpreter as heap objects; in some JVMs that version ran at half the speed and the peak
 * read 117 instead of 233 GFLOP/s (AMD EPYC Zen 4, {@code compare}).
 */
final class FmaPeak {
    private static final VectorSpecies<Float> S = VectorBlock.S;
    private static final int BLOCK_ITERATIONS = 256;
    private static final int FMAS_PER_ITERATION = 36;
    /** Calls of {@link #block} per thread and round: about 48 million vector FMAs. */
    private static final int CALLS = 5_000;
    private static final float[] SINK = new float[S.length()];

    private FmaPeak() {
    }

    static double measureGflops() {
        for (int i = 0; i < 2 * CALLS; i++) { // let C2 compile it first
            block(SINK);
        }
        double flopsPerThread = 2.0 * FMAS_PER_ITERATION * BLOCK_ITERATIONS * S.length() * CALLS;
        return CpuGemm.bestRate(10, flopsPerThread, () -> {
            float[] sink = new float[S.length()];
            for (int i = 0; i < CALLS; i++) {
                block(sink);
            }
        });
    }

    /** {@link #BLOCK_ITERATIONS} x 36 FMAs; the sum goes to {@code sink} so that none is dropped. */
    private static void block(float[] sink) {
        FloatVector x = FloatVector.broadcast(S, 0.999999f), y = FloatVector.broadcast(S, 1e-7f);
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        FloatVector a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (int i = 0; i < BLOCK_ITERATIONS; i++) {
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
}
