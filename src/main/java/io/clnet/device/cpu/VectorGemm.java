package io.clnet.device.cpu;

import jdk.incubator.vector.FloatVector;

import java.util.Arrays;
import jdk.incubator.vector.VectorSpecies;

/**
 * GEMM with the Java Vector API, in the Goto/BLIS shape: C is cut into tiles handed to the cores; for each
 * slice of k, the tile's rows of A and columns of B are packed into contiguous panels (A scaled by alpha,
 * edges zero-padded), and an {@code 8 x 2*lanes} register block of C accumulates with FMAs.
 *
 * <p>Only loaded when {@code jdk.incubator.vector} is present (see {@link CpuGemms}); it uses the one
 * preferred species, because on JDK 17 two vector widths in one JVM slow this kernel many times over.
 */
final class VectorGemm implements CpuGemm {
    private static final VectorSpecies<Float> S = VectorBlock.S;
    private static final int L = VectorBlock.L;
    private static final int MR = VectorBlock.MR;
    private static final int NR = VectorBlock.NR;
    /** A k-slice of a B panel (KC x NR floats) stays in L1 while the A panels stream past it. */
    private static final int KC = 256;
    /** Largest tile: packed A (MC x KC) and B (KC x NC) both stay in L2. */
    private static final int MC = 128;
    private static final int NC = 256;
    /**
     * Packed panels of B lie this many floats (one cache line) further apart than their {@code kc x NR}: panels
     * of a whole number of 4 KB pages would put the writes of one row of B, one into each panel, all in one L1 set.
     */
    private static final int PANEL_PAD = 16;
    /** Floats of the slice of B that a split-K chunk packs across all of n: it stays in L2 beside the chunk's C. */
    private static final int CHUNK_SLICE_FLOATS = 1 << 17;

    /** Largest B (floats, padded to whole panels) packed once for every row tile. */
    private static final int PREPACK_MAX_FLOATS = 1 << 22;
    private float[] packedB = new float[0];
    /** C with at most this many elements and k of at least twice {@link #SPLIT_K} is computed by {@link #splitK}. */
    private static final int SPLIT_K_MAX_MN = 1 << 16;
    private static final int SPLIT_K = 4096;
    private float[] partials = new float[0];
    /** C with at most {@link #MC} rows and at least this many times as many columns is computed by {@link #transposed}. */
    private static final int WIDE = 4;
    private float[] transposedC = new float[0];
    private static final int TRANSPOSE_ROWS = 16;
    private static final int TALL = VectorBlock.TALL;
    private float[] narrowB = new float[0];

    private static final PerThread<float[][]> SCRATCH =
            new PerThread<>(() -> new float[][] {new float[MC * KC], new float[NC / NR * panelStride(KC)], new float[MR * NR]});
    /** Per thread: where the rows of one register block of A start. */
    private static final PerThread<int[]> BLOCK_ROWS = new PerThread<>(() -> new int[MR]);

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOffset, int lda,
                     float[] b, int bOffset, int ldb, float beta, float[] c, int cOffset, int ldc) {
        int aRow = transA ? 1 : lda, aK = transA ? lda : 1, bK = transB ? 1 : ldb, bCol = transB ? ldb : 1;
        if ((long) m * n <= SPLIT_K_MAX_MN && k >= 2 * SPLIT_K) {
            splitK(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
        } else if (n <= L) {
            narrow(m, n, k, alpha, a, aOffset, aRow, aK, b, bOffset, bK, bCol, beta, c, cOffset, ldc, false);
        } else if (m <= L) {
            narrow(n, m, k, alpha, b, bOffset, bCol, bK, a, aOffset, aK, aRow, beta, c, cOffset, ldc, true);
        } else if (m <= MC && n >= WIDE * m && k > m) {
            transposed(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
        } else {
            tiled(true, transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc);
        }
    }

    /**
     * A small C over a long k (a weight gradient: k is batch x pixels): C has too few tiles to share out, so
     * k is cut into fixed chunks of {@link #SPLIT_K}, each chunk's product is made on one core into its own
     * buffer, and the buffers are added in chunk order. The cut depends only on k, so the sums are the same
     * on any number of cores.
     */
    private void splitK(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOffset, int lda,
                        float[] b, int bOffset, int ldb, float beta, float[] c, int cOffset, int ldc) {
        int chunks = VectorBlock.ceilDiv(k, SPLIT_K), size = m * n;
        if (partials.length < chunks * size) {
            partials = new float[chunks * size];
        }
        float[] parts = partials;
        Parallel.forRange(chunks, 1, (from, to) -> {
            for (int q = from; q < to; q++) {
                int p0 = q * SPLIT_K, kc = Math.min(SPLIT_K, k - p0);
                tiled(false, transA, transB, m, n, kc, alpha, a, aOffset + (transA ? p0 * lda : p0), lda,
                        b, bOffset + (transB ? p0 : p0 * ldb), ldb, 0f, parts, q * size, n);
            }
        });
        Parallel.forRange(m, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                int row = cOffset + i * ldc;
                for (int j = 0; j < n; j++) {
                    float sum = parts[i * n + j];
                    for (int q = 1; q < chunks; q++) {
                        sum += parts[q * size + i * n + j];
                    }
                    c[row + j] = beta == 0f ? sum : beta * c[row + j] + sum;
                }
            }
        });
    }

    /**
     * Few rows of C and many columns (a dense layer: the batch times the weights): B, the large operand, would
     * be packed into panels, one more pass over it. {@code C^T = op(B)^T * op(A)^T} instead reads it in place as
     * that product's A, and packs only the small one; C^T is then transposed into C.
     */
    private void transposed(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOffset, int lda,
                            float[] b, int bOffset, int ldb, float beta, float[] c, int cOffset, int ldc) {
        transposedC = VectorBlock.atLeast(transposedC, n * m);
        float[] t = transposedC;
        tiled(true, !transB, !transA, n, m, k, alpha, b, bOffset, ldb, a, aOffset, lda, 0f, t, 0, m);
        // Sixteen rows of C at a time: each row of C^T is then read in runs of sixteen, not one float per cache line.
        Parallel.forRange(VectorBlock.ceilDiv(m, TRANSPOSE_ROWS), 1, (from, to) -> {
            for (int i0 = from * TRANSPOSE_ROWS; i0 < Math.min(m, to * TRANSPOSE_ROWS); i0 += TRANSPOSE_ROWS) {
                int rows = Math.min(TRANSPOSE_ROWS, m - i0);
                for (int j = 0; j < n; j++) {
                    for (int i = i0; i < i0 + rows; i++) {
                        int at = cOffset + i * ldc + j;
                        c[at] = beta == 0f ? t[j * m + i] : beta * c[at] + t[j * m + i];
                    }
                }
            }
        });
    }

    /**
     * A C at most one vector wide (a dense layer's ten classes; its weight gradient, transposed): an
     * {@code MR x NR} block would leave most of its columns empty. B is packed once into {@code k} rows of
     * {@code L} lanes, zero past {@code n}, and each {@link VectorBlock#TALL}-row block of C is one
     * {@link VectorBlock#multiplyTall} over all of k, reading A where it lies:
     * {@code A(i, p) = a[aOffset + i * aRow + p * aK]}, {@code B(p, j) = b[bOffset + p * bK + j * bCol]}.
     * With {@code storeTransposed} the product is C^T, and row i of it is stored down column i of C.
     */
    private void narrow(int m, int n, int k, float alpha, float[] a, int aOffset, int aRow, int aK, float[] b, int bOffset,
                        int bK, int bCol, float beta, float[] c, int cOffset, int ldc, boolean storeTransposed) {
        narrowB = VectorBlock.atLeast(narrowB, k * L);
        float[] bp = narrowB;
        if (n < L) {
            Arrays.fill(bp, 0, k * L, 0f);
        }
        for (int j = 0; j < n; j++) { // a column of B at a time: B^T's rows (a dense layer's weights) are read in order
            for (int p = 0, from = bOffset + j * bCol; p < k; p++) {
                bp[p * L + j] = b[from + p * bK];
            }
        }
        Parallel.forRange(VectorBlock.ceilDiv(m, TALL), 1, (from, to) -> {
            VectorBlock.Workspace ws = VectorBlock.workspace();
            for (int i0 = from * TALL; i0 < Math.min(m, to * TALL); i0 += TALL) {
                int rows = Math.min(TALL, m - i0);
                for (int r = 0; r < TALL; r++) {
                    ws.rows[r] = aOffset + (i0 + Math.min(r, rows - 1)) * aRow; // past m: repeat the last row, not stored
                }
                VectorBlock.multiplyTall(k, a, ws.rows, aK, bp, 0, L, ws.tmp);
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < n; j++) {
                        int at = storeTransposed ? cOffset + j * ldc + i0 + r : cOffset + (i0 + r) * ldc + j;
                        float v = alpha * ws.tmp[r * L + j];
                        c[at] = beta == 0f ? v : beta * c[at] + v;
                    }
                }
            }
        });
    }

    /** Floats from one packed panel of B to the next, for a k-slice {@code kc} deep. */
    private static int panelStride(int kc) {
        return kc * NR + PANEL_PAD;
    }

    /**
     * The tiled product on every core ({@code parallel}), or on the calling thread alone (a split-K chunk). Alone,
     * the one tile is all of C, and its k-slices are as deep as fit {@link #CHUNK_SLICE_FLOATS} across all of n:
     * each slice of B is then read in whole rows, in memory order, once. Cut into 256-column tiles, the rows of a
     * B of 80 MB were read 1 KB at a time, and the chunk waited on memory.
     */
    private void tiled(boolean parallel, boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOffset,
                       int lda, float[] b, int bOffset, int ldb, float beta, float[] c, int cOffset, int ldc) {
        int target = parallel ? 4 * Parallel.THREADS : 1;
        int paddedN = VectorBlock.roundUp(n, NR);
        int mc = parallel ? MC : m, nc = parallel ? NC : paddedN;
        int depth = parallel ? KC : Math.max(16, Math.min(KC, CHUNK_SLICE_FLOATS / paddedN / 16 * 16));
        int mTiles = VectorBlock.ceilDiv(m, mc), nTiles = VectorBlock.ceilDiv(n, nc);
        if (mTiles * nTiles < target) {
            // Too few tiles to keep every core busy: cut the longer side finer.
            if (m >= n) {
                mc = Math.max(MR, VectorBlock.roundUp(VectorBlock.ceilDiv(m, VectorBlock.ceilDiv(target, nTiles)), MR));
            } else {
                nc = Math.max(NR, VectorBlock.roundUp(VectorBlock.ceilDiv(n, VectorBlock.ceilDiv(target, mTiles)), NR));
            }
            mTiles = VectorBlock.ceilDiv(m, mc);
            nTiles = VectorBlock.ceilDiv(n, nc);
        }
        final int tileM = mc, tileN = nc, tilesN = nTiles;
        // B is packed per tile; when several row tiles would each pack the same B and it is small (the weights of
        // a conv forward or backward-data), pack it once for all of them.
        float[] shared = parallel && mTiles > 1 && (long) k * paddedN <= PREPACK_MAX_FLOATS
                ? prepackB(b, bOffset, ldb, transB, k, n, paddedN) : null;
        Parallel.Range body = (from, to) -> {
            float[][] scratch = SCRATCH.get();
            int[] blockRows = BLOCK_ROWS.get();
            int rowStride = transA ? 1 : lda, kStride = transA ? lda : 1;
            for (int t = from; t < to; t++) {
                int i0 = (t / tilesN) * tileM, j0 = (t % tilesN) * tileN;
                int rows = Math.min(tileM, m - i0), cols = Math.min(tileN, n - j0);
                if (beta != 0f) {
                    CpuGemm.scaleRows(c, cOffset, ldc, i0, i0 + rows, j0, j0 + cols, beta);
                }
                for (int p0 = 0; p0 < k; p0 += depth) {
                    int kc = Math.min(depth, k - p0);
                    // Full 8-row panels of A are read where they lie (either orientation); only a ragged last
                    // panel, or A scaled by alpha, is packed. Packing A cost as much as the FMAs when N is small.
                    int direct = alpha == 1f ? rows / MR * MR : 0;
                    float[] ap = scratch[0] = VectorBlock.atLeast(scratch[0], VectorBlock.roundUp(rows - direct, MR) * kc);
                    packA(ap, a, aOffset, lda, transA, alpha, i0 + direct, rows - direct, p0, kc);
                    float[] bp;
                    int bBase;
                    if (shared != null) {
                        bp = shared;
                        bBase = p0 / depth * (paddedN / NR) * panelStride(depth) + j0 / NR * panelStride(kc);
                    } else {
                        bp = scratch[1] = VectorBlock.atLeast(scratch[1], VectorBlock.ceilDiv(cols, NR) * panelStride(kc));
                        bBase = 0;
                        packB(bp, 0, kc, b, bOffset, ldb, transB, p0, j0, cols);
                    }
                    // An 8-row block of A stays in L1 while the tile's panels of B pass it, and C is written a
                    // row of blocks at a time. With the panels outer, C was written down its columns; with k
                    // short (conv2's backward-data GEMM, K = 64) that and the pass through scratch took 1.3x as long.
                    // With beta = 0 the first k-slice stores its blocks (NaNs in C are overwritten too): no pass
                    // to clear C, and no read of it, which matters when K is small.
                    boolean store = beta == 0f && p0 == 0;
                    for (int ir = 0; ir < rows; ir += MR) {
                        boolean inPlace = ir < direct;
                        float[] blockA = inPlace ? a : ap;
                        int aStep = inPlace ? kStride : MR;
                        VectorBlock.strided(blockRows, inPlace ? aOffset + (i0 + ir) * rowStride + p0 * kStride : (ir - direct) * kc,
                                inPlace ? rowStride : 1);
                        for (int jr = 0; jr < cols; jr += NR) {
                            int bi = bBase + jr / NR * panelStride(kc), ci = cOffset + (i0 + ir) * ldc + j0 + jr;
                            if (rows - ir >= MR && cols - jr >= NR) {
                                VectorBlock.multiply(kc, blockA, blockRows, aStep, bp, bi, NR, c, ci, ldc,
                                        store ? VectorBlock.ZEROS : c, store ? 0 : ci, store ? 0 : ldc);
                            } else {
                                VectorBlock.scratchProduct(kc, blockA, blockRows, aStep, bp, bi, NR, scratch[2], false);
                                VectorBlock.addBlock(c, ci, ldc, Math.min(MR, rows - ir), Math.min(NR, cols - jr), scratch[2], store);
                            }
                        }
                    }
                }
            }
        };
        if (parallel) {
            Parallel.forRange(mTiles * nTiles, 1, body);
        } else {
            body.run(0, mTiles * nTiles);
        }
    }

    /** Panels of MR rows: {@code ap[panel*MR*kc + p*MR + r] = alpha * A(i0 + panel*MR + r, p0 + p)}, zero past the edge. */
    private static void packA(float[] ap, float[] a, int offset, int lda, boolean trans, float alpha, int i0, int rows, int p0, int kc) {
        for (int ir = 0; ir < rows; ir += MR) {
            int base = ir * kc;
            for (int r = 0; r < MR; r++) {
                int i = i0 + ir + r;
                if (ir + r >= rows) {
                    for (int p = 0; p < kc; p++) {
                        ap[base + p * MR + r] = 0f;
                    }
                } else if (trans) {
                    for (int p = 0; p < kc; p++) {
                        ap[base + p * MR + r] = alpha * a[offset + (p0 + p) * lda + i];
                    }
                } else {
                    int row = offset + i * lda + p0;
                    for (int p = 0; p < kc; p++) {
                        ap[base + p * MR + r] = alpha * a[row + p];
                    }
                }
            }
        }
    }

    /**
     * All of B in panels, k-slice by k-slice: slice {@code p0}'s panel for columns {@code j..j+NR} starts at
     * {@code p0 / KC * (paddedN / NR) * panelStride(KC) + j / NR * panelStride(kc)}, laid out as {@link #packB}
     * lays out one tile's.
     */
    private float[] prepackB(float[] b, int offset, int ldb, boolean trans, int k, int n, int paddedN) {
        int slices = VectorBlock.ceilDiv(k, KC), sliceFloats = paddedN / NR * panelStride(KC);
        packedB = VectorBlock.atLeast(packedB, slices * sliceFloats);
        float[] shared = packedB;
        Parallel.forRange(slices, 1, (from, to) -> {
            for (int slice = from; slice < to; slice++) {
                int p0 = slice * KC;
                packB(shared, slice * sliceFloats, Math.min(KC, k - p0), b, offset, ldb, trans, p0, 0, n);
            }
        });
        return shared;
    }

    /**
     * Panels of NR columns, {@link #panelStride} apart: {@code bp[bpOffset + panel * panelStride(kc) + p * NR + j] =
     * B(p0 + p, j0 + panel * NR + j)}, zero past the edge.
     */
    private static void packB(float[] bp, int bpOffset, int kc, float[] b, int offset, int ldb, boolean trans, int p0, int j0,
                              int cols) {
        int stride = panelStride(kc), whole = trans ? 0 : cols / NR * NR;
        // Row by row across every panel: B is read in memory order. A panel at a time (128 bytes of each row, the
        // next row 3 KB on) read an 80 MB B at a third of the speed.
        for (int p = 0; p < kc && whole > 0; p++) {
            int src = offset + (p0 + p) * ldb + j0;
            for (int jr = 0, to = bpOffset + p * NR; jr < whole; jr += NR, to += stride) {
                FloatVector.fromArray(S, b, src + jr).intoArray(bp, to);
                FloatVector.fromArray(S, b, src + jr + L).intoArray(bp, to + L);
            }
        }
        for (int jr = whole; jr < cols; jr += NR) { // B transposed, and a ragged last panel
            int base = bpOffset + jr / NR * stride;
            int width = Math.min(NR, cols - jr);
            if (trans) {
                // Column by column: each reads a contiguous run of B^T's row; the writes stay in the L1-sized panel.
                for (int j = 0; j < width; j++) {
                    int src = offset + (j0 + jr + j) * ldb + p0;
                    for (int p = 0; p < kc; p++) {
                        bp[base + p * NR + j] = b[src + p];
                    }
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    System.arraycopy(b, offset + (p0 + p) * ldb + j0 + jr, bp, base + p * NR, width);
                }
            }
            for (int p = 0; width < NR && p < kc; p++) {
                Arrays.fill(bp, base + p * NR + width, base + (p + 1) * NR, 0f);
            }
        }
    }

    @Override
    public double measurePeakGflops() {
        return FmaPeak.measureGflops();
    }

    @Override
    public String description() {
        return "Vector API GEMM (" + S.vectorBitSize() + "-bit, " + MR + "x" + NR + " register block)";
    }
}
