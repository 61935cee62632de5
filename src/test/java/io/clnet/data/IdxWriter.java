package io.clnet.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX files for tests. */
final class IdxWriter {
    private IdxWriter() {
    }

    static byte[] bytes(int magic, int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(buffer);
        out.writeInt(magic);
        for (int d : dims) {
            out.writeInt(d);
        }
        out.write(data);
        return buffer.toByteArray();
    }

    static Path write(Path file, int[] dims, byte[] data, boolean gzip) throws IOException {
        byte[] content = bytes(0x00000800 | dims.length, dims, data);
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
            out.write(content);
        }
        return file;
    }

    /** A tiny MNIST-shaped dataset directory: {@code train} and {@code test} images of 4x3 pixels. */
    static Path dataset(Path dir, int train, int test, boolean gzip) throws IOException {
        String gz = gzip ? ".gz" : "";
        write(dir.resolve("train-images-idx3-ubyte" + gz), new int[] {train, 4, 3}, ramp(train * 12), gzip);
        write(dir.resolve("train-labels-idx1-ubyte" + gz), new int[] {train}, labels(train), gzip);
        write(dir.resolve("t10k-images-idx3-ubyte" + gz), new int[] {test, 4, 3}, ramp(test * 12), gzip);
        write(dir.resolve("t10k-labels-idx1-ubyte" + gz), new int[] {test}, labels(test), gzip);
        return dir;
    }

    static byte[] ramp(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i % 256);
        }
        return b;
    }

    static byte[] labels(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i % 10);
        }
        return b;
    }
}
