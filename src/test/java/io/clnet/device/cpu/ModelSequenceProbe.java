package io.clnet.device.cpu;

import io.clnet.data.BatchLoader;
import io.clnet.data.Dataset;
import io.clnet.device.Device;
import io.clnet.device.DeviceSelector;
import io.clnet.nn.Sequential;
import io.clnet.nn.Tensor;
import io.clnet.nn.optim.Sgd;
import io.clnet.train.Models;
import io.clnet.train.SpeedRun;
import io.clnet.train.Trainer;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordingFile;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * Run in a fresh JVM by {@link KernelCompileTest}: trains the built-in models one after another on the CPU
 * backend, as {@code compare} does (each settles, then a few steps are measured), under a JFR recording of C2's
 * deoptimizations. Prints {@code ALLOC model bytes}: heap bytes allocated by every thread per step, the least over
 * {@link #WINDOWS} windows of {@link #MEASURED_STEPS} steps (code that runs uncompiled for a while, such as a method
 * C2 is compiling again, allocates for a window or two; a kernel compiled with boxed vectors does in every one); and
 * {@code DEOPT method line reason} for every clnet method that C2 deoptimized.
 */
public final class ModelSequenceProbe {
    private static final int BATCH = 128, MEASURED_STEPS = 3, WINDOWS = 8;

    public static void main(String[] args) throws Exception {
        double seconds = Double.parseDouble(args[0]);
        Dataset data = randomImages(4096);
        Path jfr = Files.createTempFile("clnet-deopt", ".jfr");
        try (Recording recording = new Recording()) {
            recording.enable("jdk.Deoptimization");
            recording.start();
            Device cpu = DeviceSelector.system().select("cpu").device();
            try {
                for (int i = 1; i < args.length; i++) {
                    SpeedRun.settle(cpu, args[i], data, BATCH, 1, seconds);
                    System.out.println("ALLOC " + args[i] + " " + allocatedPerStep(cpu, args[i], data));
                }
            } finally {
                cpu.close();
            }
            recording.stop();
            recording.dump(jfr);
        }
        for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
            RecordedMethod m = e.getValue("method");
            String method = m == null ? "?" : m.getType().getName() + "." + m.getName() + m.getDescriptor();
            if (method.startsWith("io.clnet.")) {
                System.out.println("DEOPT " + method + " " + e.getValue("lineNumber") + " " + e.getValue("reason"));
            }
        }
        Files.deleteIfExists(jfr);
    }

    /** Heap bytes every thread allocated per step of a fresh copy of {@code name}: the least over the windows. */
    private static long allocatedPerStep(Device device, String name, Dataset data) {
        Sequential model = Models.byName(name).build(device, 1);
        Sgd sgd = new Sgd(0.01f, 0.9f, false, 0f);
        Trainer trainer = new Trainer(model, sgd, Integer.MAX_VALUE);
        List<Tensor> params = model.parameters();
        try (BatchLoader batches = new BatchLoader(data, BATCH, true, 7)) {
            trainer.step(batches.next(), new int[] {BATCH, 28, 28, 1}, params, (l, x, y) -> {
            });
            device.finish();
            long least = Long.MAX_VALUE;
            for (int window = 0; window < WINDOWS; window++) {
                long before = allocatedByAllThreads();
                for (int i = 0; i < MEASURED_STEPS; i++) {
                    trainer.step(batches.next(), new int[] {BATCH, 28, 28, 1}, params, (l, x, y) -> {
                    });
                }
                device.finish();
                least = Math.min(least, (allocatedByAllThreads() - before) / MEASURED_STEPS);
            }
            return least;
        } finally {
            sgd.release();
            model.release();
        }
    }

    private static long allocatedByAllThreads() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            sum += Math.max(0, bytes);
        }
        return sum;
    }

    private static Dataset randomImages(int count) {
        Random random = new Random(5);
        byte[] pixels = new byte[count * 784], labels = new byte[count];
        random.nextBytes(pixels);
        for (int i = 0; i < count; i++) {
            labels[i] = (byte) random.nextInt(10);
        }
        return new Dataset("random", 28, 28, 1, 10, pixels, labels);
    }
}
