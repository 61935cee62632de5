package io.clnet.device;

import io.clnet.device.cpu.CpuDevice;

import java.util.Random;

/**
 * The start-up check a device must pass before {@code auto} trusts it: a small GEMM (all transposes),
 * an im2col with stride and padding, and softmax-cross-entropy, each compared with the CPU backend.
 */
public final class SelfTest {
    private static final float TOLERANCE = 1e-4f;

    private SelfTest() {
    }

    /** Null when {@code device} agrees with the CPU backend, else a one-line reason. Never throws. */
    public static String run(Device device) {
        try (CpuDevice reference = new CpuDevice(false)) {
            Random random = new Random(7);
            for (int t = 0; t < 4; t++) {
                String failure = compareGemm(device, reference, (t & 1) != 0, (t & 2) != 0, random);
                if (failure != null) {
                    return failure;
                }
            }
            Window2d window = new Window2d(2, 7, 6, 3, 3, 2, 2, 1, 1, 0);
            float[] image = randomArray(random, window.inputLength());
            String failure = compare("im2col", device, reference, new int[] {window.patchRows() * window.patchCols()},
                    new float[][] {image}, (d, out, in) -> d.im2col(out[0], in[0], window));
            if (failure != null) {
                return failure;
            }
            int rows = 5, classes = 7;
            float[] labels = {0, 6, 3, 3, 1};
            return compare("softmax cross-entropy", device, reference, new int[] {1, rows * classes},
                    new float[][] {randomArray(random, rows * classes), labels},
                    (d, out, in) -> d.softmaxCrossEntropyForward(out[0], 0, out[1], in[0], in[1], rows, classes));
        } catch (RuntimeException | LinkageError e) {
            return "self-test threw " + e;
        }
    }

    private static String compareGemm(Device device, Device reference, boolean ta, boolean tb, Random random) {
        int m = 17, n = 13, k = 19;
        float[] a = randomArray(random, m * k), b = randomArray(random, k * n), c = randomArray(random, m * n);
        return compare("gemm" + (ta ? " A^T" : "") + (tb ? " B^T" : ""), device, reference, new int[] {m * n},
                new float[][] {a, b, c}, (d, out, in) -> {
                    d.copy(out[0], 0, in[2], 0, m * n);
                    d.gemm(ta, tb, m, n, k, 0.5f, in[0], 0, ta ? m : k, in[1], 0, tb ? k : n, 2f, out[0], 0, n);
                });
    }

    private interface Op {
        void run(Device device, Buffer[] outputs, Buffer[] inputs);
    }

    /** Runs {@code op} on both devices with the same inputs; names the op and the first element that differs. */
    private static String compare(String name, Device device, Device reference, int[] outputLengths, float[][] inputs, Op op) {
        float[][] got = runOn(device, outputLengths, inputs, op);
        float[][] want = runOn(reference, outputLengths, inputs, op);
        for (int o = 0; o < want.length; o++) {
            for (int i = 0; i < want[o].length; i++) {
                if (!(Math.abs(got[o][i] - want[o][i]) <= TOLERANCE + TOLERANCE * Math.abs(want[o][i]))) {
                    return name + " differs from the CPU backend at output " + o + " element " + i + ": " + got[o][i] + " vs "
                            + want[o][i];
                }
            }
        }
        return null;
    }

    private static float[][] runOn(Device device, int[] outputLengths, float[][] inputs, Op op) {
        Buffer[] in = new Buffer[inputs.length];
        Buffer[] out = new Buffer[outputLengths.length];
        try {
            for (int i = 0; i < inputs.length; i++) {
                in[i] = device.allocate(inputs[i].length);
                device.upload(in[i], 0, inputs[i], 0, inputs[i].length);
            }
            for (int o = 0; o < out.length; o++) {
                out[o] = device.allocate(outputLengths[o]);
            }
            op.run(device, out, in);
            float[][] result = new float[out.length][];
            for (int o = 0; o < out.length; o++) {
                result[o] = new float[outputLengths[o]];
                device.download(result[o], 0, out[o], 0, outputLengths[o]);
            }
            return result;
        } finally {
            closeAll(in);
            closeAll(out);
        }
    }

    private static void closeAll(Buffer[] buffers) {
        for (Buffer b : buffers) {
            if (b != null) {
                b.close();
            }
        }
    }

    private static float[] randomArray(Random random, int length) {
        float[] x = new float[length];
        for (int i = 0; i < length; i++) {
            x[i] = random.nextFloat() * 2 - 1;
        }
        return x;
    }
}
