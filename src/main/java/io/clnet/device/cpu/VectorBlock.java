package io.clnet.device.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked inner loop of the CPU backend: an {@link #MR} x {@link #NR} block of C accumulates
 * in 16 vector registers with FMAs ({@link #multiply}), stored into C itself or into scratch.
 * {@link VectorGemm} and {@link VectorConv} both call it; they differ only in where the rows of A start:
 * <pre>
 *   block[r][j] (+)= sum over p in [0, count) of  a[rows[r] + p * aStep] * b[bi + p * bStep + j]
 * </pre>
 * A packed GEMM panel has {@code rows[r] = start + r} and {@code aStep = MR}; a row-major A read in place has
 * {@code rows[r] = start + r * lda} and {@code aStep = 1}; a convolution has {@code rows[r]} = where output
 * pixel r's window row starts in the padded image. k runs linearly inside one call: reading k through an offset
 * table cost 15%, and two nested loops made C2 keep the accumulators in memory, twenty times slower. (The steps
 * being arguments, C2 still checks bounds in the loop; see the package notes for what that costs.) A convolution walks the kernel rows with one call each,
 * carrying the block in {@code tmp}.
 *
 * <p>One species (the preferred one) everywhere: on JDK 17 two vector widths in one JVM slow this many times over.
 */
final class VectorBlock {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final int MR = 8;
    static final int NR = 2 * L;
    /** Rows of {@link #multiplyTall}'s block: its {@code TALL x L} is as many floats as {@code MR x NR}. */
    static final int TALL = 16;

    /** One row of zeros, read with a row step of 0 as the {@code init} block of a product that is stored, not added. */
    static final float[] ZEROS = new float[NR];

    private static final PerThread<Workspace> WORKSPACE = new PerThread<>(Workspace::new);

    /** One thread's register-block scratch: the row offsets of A, a spare set of them, and the block itself. */
    static final class Workspace {
        final int[] rows = new int[Math.max(MR, TALL)];
        final int[] offsets = new int[Math.max(MR, TALL)];
        final float[] tmp = new float[MR * NR];
    }

    private VectorBlock() {
    }

    /** The calling thread's workspace. */
    static Workspace workspace() {
        return WORKSPACE.get();
    }

    /** {@code array} when it holds {@code length} floats, else a new one: scratch grows to the largest layer, then is reused. */
    static float[] atLeast(float[] array, int length) {
        return array.length >= length ? array : new float[length];
    }

    /**
     * {@code dst[MR x NR] = init[MR x NR] + } the block sum above, the rows of {@code dst} starting at {@code di + r * ldd}
     * and those of {@code init} at {@code ii + r * ldi}. The one FMA kernel of the GEMM and the convolutions: to
     * store, {@code init} is {@link #ZEROS} with {@code ldi = 0}; to add to what {@code dst} holds, {@code init} is
     * {@code dst} itself; scratch blocks are {@code dst = tmp, ldd = NR}.
     *
     * <p>Why one method without a branch: C2 compiles it on its own (at 1 KB of bytecode it is never inlined), from
     * the profile of the calls so far. A branch that the first model never took (an {@code accumulate} flag: simple's
     * GEMMs have one k-slice, lenet's several) became an uncommon trap; when the next model took it, C2 threw the
     * code away and compiled it again from a profile gathered while the loop ran in its on-stack-replacement
     * version, and in about one JVM in eight that compile kept the accumulators as heap objects: 16 of its 32
     * {@code intoArray} calls were not intrinsified ({@code -XX:+PrintInlining}), the loop allocated gigabytes a
     * second (JFR), and lenet's steps took 145-210 ms instead of 60-68 ({@code compare --models simple,lenet}). With
     * nothing in here that depends on the call, the first compile is the last.
     *
     * <p>The accumulators leave only through {@code intoArray}: handing them to any other code makes C2 box them.
     */
    static void multiply(int count, float[] a, int[] rows, int aStep, float[] b, int bi, int bStep,
                         float[] dst, int di, int ldd, float[] init, int ii, int ldi) {
        FloatVector c00 = FloatVector.fromArray(S, init, ii);
        FloatVector c01 = FloatVector.fromArray(S, init, ii + L);
        FloatVector c10 = FloatVector.fromArray(S, init, ii + ldi);
        FloatVector c11 = FloatVector.fromArray(S, init, ii + ldi + L);
        FloatVector c20 = FloatVector.fromArray(S, init, ii + 2 * ldi);
        FloatVector c21 = FloatVector.fromArray(S, init, ii + 2 * ldi + L);
        FloatVector c30 = FloatVector.fromArray(S, init, ii + 3 * ldi);
        FloatVector c31 = FloatVector.fromArray(S, init, ii + 3 * ldi + L);
        FloatVector c40 = FloatVector.fromArray(S, init, ii + 4 * ldi);
        FloatVector c41 = FloatVector.fromArray(S, init, ii + 4 * ldi + L);
        FloatVector c50 = FloatVector.fromArray(S, init, ii + 5 * ldi);
        FloatVector c51 = FloatVector.fromArray(S, init, ii + 5 * ldi + L);
        FloatVector c60 = FloatVector.fromArray(S, init, ii + 6 * ldi);
        FloatVector c61 = FloatVector.fromArray(S, init, ii + 6 * ldi + L);
        FloatVector c70 = FloatVector.fromArray(S, init, ii + 7 * ldi);
        FloatVector c71 = FloatVector.fromArray(S, init, ii + 7 * ldi + L);
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
        c00.intoArray(dst, di);
        c01.intoArray(dst, di + L);
        c10.intoArray(dst, di + ldd);
        c11.intoArray(dst, di + ldd + L);
        c20.intoArray(dst, di + 2 * ldd);
        c21.intoArray(dst, di + 2 * ldd + L);
        c30.intoArray(dst, di + 3 * ldd);
        c31.intoArray(dst, di + 3 * ldd + L);
        c40.intoArray(dst, di + 4 * ldd);
        c41.intoArray(dst, di + 4 * ldd + L);
        c50.intoArray(dst, di + 5 * ldd);
        c51.intoArray(dst, di + 5 * ldd + L);
        c60.intoArray(dst, di + 6 * ldd);
        c61.intoArray(dst, di + 6 * ldd + L);
        c70.intoArray(dst, di + 7 * ldd);
        c71.intoArray(dst, di + 7 * ldd + L);
    }

    /** {@code tmp[MR x NR] = } the block sum, or {@code tmp +=} it when {@code accumulate}: {@link #multiply} on a scratch block. */
    static void scratchProduct(int count, float[] a, int[] rows, int aStep, float[] b, int bi, int bStep, float[] tmp, boolean accumulate) {
        multiply(count, a, rows, aStep, b, bi, bStep, tmp, 0, NR, accumulate ? tmp : ZEROS, 0, accumulate ? NR : 0);
    }

    /**
     * {@code tmp[TALL x L] = } the sum over {@code p < count} of {@code a[rows[r] + p * aStep] * b[bi + p * bStep + j]}:
     * {@link #multiply}'s product for a C one vector wide, such as a layer of {@code L} out-channels, which would
     * leave half of that block's columns empty. Sixteen rows share each load of b, as eight rows share two there.
     */
    static void multiplyTall(int count, float[] a, int[] rows, int aStep, float[] b, int bi, int bStep, float[] tmp) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c0 = z, c1 = z, c2 = z, c3 = z, c4 = z, c5 = z, c6 = z, c7 = z;
        FloatVector c8 = z, c9 = z, c10 = z, c11 = z, c12 = z, c13 = z, c14 = z, c15 = z;
        int o0 = rows[0], o1 = rows[1], o2 = rows[2], o3 = rows[3], o4 = rows[4], o5 = rows[5], o6 = rows[6], o7 = rows[7];
        int o8 = rows[8], o9 = rows[9], o10 = rows[10], o11 = rows[11], o12 = rows[12], o13 = rows[13], o14 = rows[14], o15 = rows[15];
        for (int p = 0, e = 0; p < count; p++, e += aStep, bi += bStep) {
            FloatVector bv = FloatVector.fromArray(S, b, bi);
            c0 = FloatVector.broadcast(S, a[o0 + e]).fma(bv, c0);
            c1 = FloatVector.broadcast(S, a[o1 + e]).fma(bv, c1);
            c2 = FloatVector.broadcast(S, a[o2 + e]).fma(bv, c2);
            c3 = FloatVector.broadcast(S, a[o3 + e]).fma(bv, c3);
            c4 = FloatVector.broadcast(S, a[o4 + e]).fma(bv, c4);
            c5 = FloatVector.broadcast(S, a[o5 + e]).fma(bv, c5);
            c6 = FloatVector.broadcast(S, a[o6 + e]).fma(bv, c6);
            c7 = FloatVector.broadcast(S, a[o7 + e]).fma(bv, c7);
            c8 = FloatVector.broadcast(S, a[o8 + e]).fma(bv, c8);
            c9 = FloatVector.broadcast(S, a[o9 + e]).fma(bv, c9);
            c10 = FloatVector.broadcast(S, a[o10 + e]).fma(bv, c10);
            c11 = FloatVector.broadcast(S, a[o11 + e]).fma(bv, c11);
            c12 = FloatVector.broadcast(S, a[o12 + e]).fma(bv, c12);
            c13 = FloatVector.broadcast(S, a[o13 + e]).fma(bv, c13);
            c14 = FloatVector.broadcast(S, a[o14 + e]).fma(bv, c14);
            c15 = FloatVector.broadcast(S, a[o15 + e]).fma(bv, c15);
        }
        c0.intoArray(tmp, 0);
        c1.intoArray(tmp, L);
        c2.intoArray(tmp, 2 * L);
        c3.intoArray(tmp, 3 * L);
        c4.intoArray(tmp, 4 * L);
        c5.intoArray(tmp, 5 * L);
        c6.intoArray(tmp, 6 * L);
        c7.intoArray(tmp, 7 * L);
        c8.intoArray(tmp, 8 * L);
        c9.intoArray(tmp, 9 * L);
        c10.intoArray(tmp, 10 * L);
        c11.intoArray(tmp, 11 * L);
        c12.intoArray(tmp, 12 * L);
        c13.intoArray(tmp, 13 * L);
        c14.intoArray(tmp, 14 * L);
        c15.intoArray(tmp, 15 * L);
    }

    /** {@code C[rows x cols] += tmp[MR x NR]} (or {@code =} when {@code store}), vectorised for a full-width block. */
    static void addBlock(float[] c, int ci, int ldc, int rows, int cols, float[] tmp, boolean store) {
        if (cols == NR) {
            for (int r = 0; r < rows; r++) {
                int row = ci + r * ldc;
                FloatVector t0 = FloatVector.fromArray(S, tmp, r * NR), t1 = FloatVector.fromArray(S, tmp, r * NR + L);
                if (!store) {
                    t0 = t0.add(FloatVector.fromArray(S, c, row));
                    t1 = t1.add(FloatVector.fromArray(S, c, row + L));
                }
                t0.intoArray(c, row);
                t1.intoArray(c, row + L);
            }
            return;
        }
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                c[ci + r * ldc + j] = store ? tmp[r * NR + j] : c[ci + r * ldc + j] + tmp[r * NR + j];
            }
        }
    }

    /** {@code tmp[r][j] += columns[start + j]} for every row of the block: a bias of NR columns, added before the block is stored. */
    static void addToRows(float[] tmp, float[] columns, int start) {
        FloatVector b0 = FloatVector.fromArray(S, columns, start), b1 = FloatVector.fromArray(S, columns, start + L);
        for (int r = 0; r < MR; r++) {
            FloatVector.fromArray(S, tmp, r * NR).add(b0).intoArray(tmp, r * NR);
            FloatVector.fromArray(S, tmp, r * NR + L).add(b1).intoArray(tmp, r * NR + L);
        }
    }

    /** Blocks of {@code b} needed to cover {@code a}: panels of a width, register blocks of a height. */
    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** {@code a} rounded up to whole blocks of {@code multiple}. */
    static int roundUp(int a, int multiple) {
        return ceilDiv(a, multiple) * multiple;
    }

    /** {@code rows[r] = start + r * stride}: the row offsets of A read in place or packed. */
    static void strided(int[] rows, int start, int stride) {
        for (int r = 0; r < MR; r++) {
            rows[r] = start + r * stride;
        }
    }
}
