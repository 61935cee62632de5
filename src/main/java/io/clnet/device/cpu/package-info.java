/**
 * The CPU backend: plain Java loops split over the cores ({@link io.clnet.device.cpu.Parallel}), and the Vector
 * API where the JIT does not vectorise by itself (the GEMM and convolution register kernel in {@code VectorBlock},
 * the loops in {@code VectorLoops}).
 *
 * <h2>What runs where</h2>
 * <ul>
 *   <li>{@code CpuDevice} runs every op as plain loops split over the threads ({@code CpuWindowOps} for pooling and
 *       im2col), a register-blocked Vector API GEMM ({@code VectorGemm}) with {@code ScalarGemm} as the fallback,
 *       and convolutions without a whole-batch patch matrix, each pass offered to them in turn ({@code CpuConv}).
 *       All of them add the bias as they store the output.</li>
 *   <li>{@code OneChannelConv}: a one-channel image into out-channels that divide a vector. A vector holds
 *       neighbouring pixels times every out-channel, the image expanded so that each pixel repeats across its
 *       out-channel lanes; a tap is then one load. The weight gradient sums the bias gradient in the same pass.</li>
 *   <li>{@code NarrowConv}: few out-channels or short kernel rows. It stacks each output row's input rows so that
 *       a window is one contiguous run; out-channels that fill one vector use sixteen pixels per block
 *       ({@code VectorBlock.multiplyTall}), fewer fold neighbouring pixels into the block's columns.</li>
 *   <li>{@code VectorConv}: 32 or more out-channels, or exactly one vector of them for the weight gradient.
 *       Forward and backward-data (a forward of the gradient with the kernel turned) read a zero-padded copy of
 *       the image; the weight gradient reads a copy of each image per kernel column, cropped to the output
 *       width, so that a tap's inputs over a whole image are one run, and sums the bias gradient as one more tap
 *       of ones.</li>
 *   <li>{@code PairedBackwardData}: stride-1, 3-wide backward-data into pixels that fill half a vector: each
 *       vector holds a pair of out-channels, one per half, and each load meets the kernel row's three taps.</li>
 *   <li>{@code ChunkedCol2imConv}: every other backward-data, GEMM and col2im a few images at a time so that the
 *       patch gradient stays in the core's cache.</li>
 *   <li>{@code VectorGemm}: Goto/BLIS tiles. A C of few rows and many columns (a dense layer) is computed as its
 *       transpose, so the large weight matrix is read in place; a C at most one vector wide runs in 16-row
 *       blocks of one vector; a small C over a long k is cut into k-chunks, one per core, summed in chunk order.
 *       In a tile each 8-row block of A meets every panel of B before the next, and the block goes straight from
 *       the registers into C. B is packed row by row across its panels, in memory order, into panels one cache
 *       line more than a whole number of pages apart.</li>
 *   <li>{@code Parallel.forRange} runs every parallel loop on a {@code Crew}: the calling thread plus one daemon
 *       worker per other thread, chunks taken from a counter; an idle worker spins 0.1 ms before it parks,
 *       because a step runs a few dozen short loops. Threads: one per core, or {@link
 *       io.clnet.device.cpu.CpuThreads}. Per-thread scratch is a {@code PerThread}. Results are identical run to
 *       run and on any number of threads.</li>
 * </ul>
 *
 * <h2>Design notes</h2>
 *
 * <p><b>Vector code must compile once.</b> C2 keeps a {@code FloatVector} in a register only where it can prove
 * its exact class at every use; where it cannot, the vector lives on the heap and each operation allocates. Three
 * ways to lose that proof were met here, and the rules they give:
 * <ul>
 *   <li>A loop that carries vectors (the accumulators of a register block) compiled on stack replacement takes them
 *       from the interpreter as plain objects: that version boxes. It is used only for the rest of the call that
 *       triggered it, so a kernel must be called many times with short loops, never run once with a long one
 *       (see {@code FmaPeak}).</li>
 *   <li>A branch that the calls so far never took is compiled as a trap. When a later caller takes it, C2 throws
 *       the code away and compiles it again, from a profile gathered partly in the on-stack-replacement version.
 *       In about one JVM in eight that second compile of the register kernel boxed its accumulators: {@code
 *       compare --models simple,lenet} then ran lenet at 145-210 ms a step instead of 60-68 (AMD EPYC Zen 4;
 *       3-4x on an Intel Xeon, in 8 of 24 runs), and JFR showed the kernel allocating gigabytes a second. So the
 *       kernel ({@code VectorBlock.multiply}) has no branch at all: whether it stores or adds to C is a choice of
 *       its {@code init} operand, made by the caller.</li>
 *   <li>Kernels are too large for C2 to inline (about 1 KB of bytecode), so each is compiled on its own and the
 *       differences between callers (shapes, paths) stay in the callers, which hold no vectors across calls.</li>
 * </ul>
 * {@code KernelCompileTest} trains the built-in models one after another in a fresh JVM and fails if C2
 * deoptimizes a vector kernel or a later model's step allocates more than a few hundred KB.
 *
 * <p><b>Where the register kernel's time goes.</b> Its loop, read from a running JVM ({@code jcmd
 * Compiler.codelist}, then the code bytes through {@code /proc/PID/mem} and {@code objdump}), does per iteration
 * the 16 FMAs, 2 loads of B and 8 broadcasts of A, and about 50 other instructions: a bounds check for each load
 * (A's and B's steps are arguments, so C2 cannot hoist them), the index sums, and reloads of row offsets spilled to
 * the stack. On a Zen 4 core (one 512-bit FMA a cycle) the FMAs take 16 cycles and the rest issues beside them:
 * the loop runs at 98-99% of the FMA peak ({@code benchmarks/lab/KernelLoop.java}). On a core with two FMA units
 * the FMAs need 8 cycles and the rest does not fit, which matches the 35-38% of the peak measured on an Intel
 * Xeon; A packed with its rows a constant distance apart leaves one index for all eight broadcasts, and the lab
 * harness compares the two there.
 *
 * <p><b>JIT warm-up is C2's time, not the work's.</b> A fresh {@code eval} of lenet spends half its 3.4 s waiting
 * for C2 (1.6 s of compile time over 178 methods); running the model on tiny batches first, or lower compile
 * thresholds, moved that time without shortening the whole, so clnet runs no warm-up of its own
 * ({@code benchmarks/lab/README.md} has the figures).
 *
 * <p><b>A weight gradient as one GEMM streams B from memory.</b> At 64x25088x800 (lenet's conv2 weight gradient
 * over an 80 MB patch matrix) each element of B meets only 64 rows of A, and packing B runs at the speed of
 * reading memory (13-14 GB/s on one core); Java has no prefetch, so the read does not overlap the FMAs, and the
 * GEMM stays near 65% of the FMA peak. Two ways of overlapping it (packing the next slice between register
 * blocks, or one vector of it per kernel iteration) were slower. A training step does not run that GEMM:
 * {@code VectorConv} takes the weight gradient from the 3.2 MB image. Transparent huge pages made that packing
 * faster but left some JVMs running lenet's conv2 GEMMs at a fifth of the speed, so clnet does not turn them on.
 */
package io.clnet.device.cpu;
