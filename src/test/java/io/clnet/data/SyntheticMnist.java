package io.clnet.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

/** A tiny MNIST-shaped directory (28x28 images, 10 classes) whose label is readable from the image. */
public final class SyntheticMnist {
    private SyntheticMnist() {
    }

    /** Class {@code k}'s images are bright in row band {@code k}, plus noise. */
    public static Path write(Path dir, int train, int test, long seed) throws IOException {
        Random r = new Random(seed);
        writeSplit(dir, "train", train, r);
        writeSplit(dir, "t10k", test, r);
        return dir;
    }

    private static void writeSplit(Path dir, String prefix, int count, Random r) throws IOException {
        byte[] pixels = new byte[count * 784], labels = new byte[count];
        for (int i = 0; i < count; i++) {
            int label = r.nextInt(10);
            labels[i] = (byte) label;
            for (int p = 0; p < 784; p++) {
                int row = p / 28;
                int value = r.nextInt(60) + (row / 3 == label ? 180 : 0);
                pixels[i * 784 + p] = (byte) Math.min(255, value);
            }
        }
        IdxWriter.write(dir.resolve(prefix + "-images-idx3-ubyte"), new int[] {count, 28, 28}, pixels, false);
        IdxWriter.write(dir.resolve(prefix + "-labels-idx1-ubyte"), new int[] {count}, labels, false);
    }
}
