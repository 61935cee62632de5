package io.clnet.benchmarks;

import io.clnet.device.Buffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * SGEMM {@code C[M][N] = A[M][K] * B[K][N]} per backend at the shapes a CNN's training step runs
 * (named {@code MxKxN}). GFLOP/s = 2*M*N*K / time; {@code benchmarks/run} prints it next to each row.
 * A plain shape runs untransposed; a suffix {@code -TN}/{@code -NT}/{@code -TT} transposes A and/or B as a
 * training step stores them (conv and dense forward read the weights transposed, backward-weights reads
 * the output gradient transposed).
 */
public class GemmBenchmark extends DeviceBenchmark {

    /**
     * lenet and simple at batch 128: conv forward (M = batch*pixels, K = kernel*kernel*channels, N = filters),
     * dense forward, backward-weights (M=64,K=25088,N=800) and backward-data (M=25088,K=64,N=800) of lenet's conv2.
     */
    @Param({"100352x9x8", "25088x72x16", "100352x25x32", "25088x800x64", "128x3136x1024", "64x25088x800", "25088x64x800",
        "512x512x512", "25088x800x64-NT", "64x25088x800-TN", "128x3136x1024-NT", "32x100352x25-TN", "1024x128x3136-TN",
        "128x1024x3136"})
    public String shape;

    private Buffer a, b, c;
    private int m, n, k;
    private boolean transA, transB;

    @Setup
    public void setUp() {
        String[] parts = shape.split("-");
        String[] mkn = parts[0].split("x");
        transA = parts.length > 1 && parts[1].charAt(0) == 'T';
        transB = parts.length > 1 && parts[1].charAt(1) == 'T';
        m = Integer.parseInt(mkn[0]);
        k = Integer.parseInt(mkn[1]);
        n = Integer.parseInt(mkn[2]);
        open();
        a = BenchDevices.random(device, m * k, 1);
        b = BenchDevices.random(device, k * n, 2);
        c = device.allocate(m * n);
    }

    @Benchmark
    public void sgemm() {
        device.gemm(transA, transB, m, n, k, 1f, a, 0, transA ? m : k, b, 0, transB ? k : n, 0f, c, 0, n);
        device.finish();
    }
}
