/**
 * The device layer: {@link io.clnet.device.Device} is the one interface every layer computes through (memory,
 * GEMM, the convolution passes, im2col/col2im, pooling, bias, activations, fused softmax-cross-entropy,
 * elementwise ops, deterministic reductions, optimizer updates). Its javadoc states the math and the layouts:
 * row-major matrices, channels-last {@code [batch][height][width][channels]} images.
 *
 * <h2>Design notes</h2>
 * <ul>
 *   <li>{@link io.clnet.device.BaseDevice} checks every argument once, naming the op, the buffer and both sizes,
 *       then calls a backend hook with raw memory. Buffers come from a pool, so a training step that repeats the
 *       same shapes allocates nothing; {@code liveBuffers()} lets tests prove nothing leaks.</li>
 *   <li>{@code BaseDevice} also counts every op: uploads, downloads and backend allocations always (tests assert
 *       that a steady-state step allocates nothing and uploads only its batch), and time per
 *       {@link io.clnet.device.OpKind} when the device's {@link io.clnet.device.Profiler} is on.</li>
 *   <li>Convolutions run each pass as im2col (or col2im) and one GEMM unless the backend can do that pass
 *       straight from the image ({@code convolvesFromImage}). When the weight gradient needs the patch matrix,
 *       {@code convPatchLength} says so and the layer keeps the forward's, like a cuDNN workspace.</li>
 *   <li>A convolution followed by max pooling runs as one op ({@code Conv.conv2dMaxPool}; a ReLU between them
 *       moves after the pool, since the two commute). For a first layer, whose input needs no gradient, the
 *       backward is {@code convBackwardWeightsThroughMaxPool}, and the convolution's output is kept between the
 *       two only if {@code convMaxPoolKeptLength} asks for it; by default the ops are the separate ones. The CPU
 *       backend fuses them where it can: the forward pools each image's output rows from scratch as they are
 *       made, the backward makes them again from the image (the same code, so the same bits and the same maximum
 *       in every window) or routes the pool's gradient into dOut image by image as the weight gradient reads it.
 *       The contract test checks every variant bit for bit against the separate ops.</li>
 *   <li>Which device {@code auto} picks: {@link io.clnet.device.DeviceSelector} probes OpenCL GPUs and
 *       accelerators with a self-test ({@link io.clnet.device.SelfTest}) and falls back to the CPU backend,
 *       saying why in one line.</li>
 * </ul>
 */
package io.clnet.device;
