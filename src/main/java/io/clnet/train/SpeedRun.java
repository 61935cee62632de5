package io.clnet.train;

import io.clnet.data.BatchLoader;
import io.clnet.data.Dataset;
import io.clnet.device.Buffer;
import io.clnet.device.Device;
import io.clnet.nn.Sequential;
import io.clnet.nn.Tensor;
import io.clnet.nn.optim.Sgd;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Trains one built-in model on one device for a fixed number of steps and measures it: what {@code compare}
 * runs per (device, model). Every device gets the same seed, the same batches in the same order and the
 * same optimizer (SGD, lr 0.01, momentum 0.9), so losses and final parameters can be compared across
 * devices. Warm-up steps run first and are not timed; each step's loss is kept on the device and read once
 * at the end.
 */
public final class SpeedRun {

    /**
     * One measured run. {@code losses} has one entry per step, warm-up included; {@code firstStepParameters}
     * are the parameters after the first step (read during warm-up; empty without warm-up steps).
     */
    public record Result(String device, String model, int batch, int warmupSteps, int steps, double seconds,
                         double trainingFlopsPerImage, float[] losses, List<float[]> firstStepParameters,
                         List<float[]> parameters, String profile,
                         long allocationsWhileTimed, long uploadsWhileTimed, long downloadsWhileTimed) {

        public double imagesPerSecond() {
            return (double) steps * batch / seconds;
        }

        public double msPerStep() {
            return seconds * 1e3 / steps;
        }

        public double achievedGflops() {
            return imagesPerSecond() * trainingFlopsPerImage / 1e9;
        }
    }

    private SpeedRun() {
    }

    /**
     * @throws IllegalArgumentException when {@code data} has fewer than {@code warmup + steps} batches
     */
    public static Result run(Device device, String modelName, Dataset data, int batch, int warmup, int steps, long seed,
                             boolean profile) {
        return run(device, modelName, data, batch, warmup, steps, seed, profile, done -> {
        });
    }

    /** @param stepsDone told the number of steps enqueued (warm-up included) after each one */
    public static Result run(Device device, String modelName, Dataset data, int batch, int warmup, int steps, long seed,
                             boolean profile, IntConsumer stepsDone) {
        checkSteps(data, batch, warmup, steps);
        Sequential model = Models.byName(modelName).build(device, seed);
        Sgd optimizer = optimizer();
        Trainer trainer = new Trainer(model, optimizer, Integer.MAX_VALUE);
        StepProfile profiler = profile ? new StepProfile(device, warmup) : null;
        int total = warmup + steps;
        List<Tensor> params = model.parameters();
        List<float[]> firstStep = new ArrayList<>();
        try (Buffer losses = device.allocate(total); BatchLoader batches = new BatchLoader(data, batch, true, seed)) {
            long start = 0, allocations = 0, uploads = 0, downloads = 0;
            for (int i = 0; i < total; i++) {
                if (i == warmup) {
                    device.finish();
                    allocations = device.backendAllocations();
                    uploads = device.uploads();
                    downloads = device.downloads();
                    start = System.nanoTime();
                }
                if (profiler != null) {
                    profiler.beforeStep();
                }
                int index = i;
                trainer.step(batches.next(), Trainer.inputShape(batch, data), params,
                        (loss, logits, labels) -> device.copy(losses, index, loss.data(), 0, 1));
                if (profiler != null) {
                    profiler.afterStep();
                }
                stepsDone.accept(i + 1);
                if (i == 0 && warmup > 0) {
                    params.forEach(p -> firstStep.add(p.toHost()));
                }
            }
            device.finish();
            double seconds = (System.nanoTime() - start) / 1e9;
            allocations = device.backendAllocations() - allocations;
            uploads = device.uploads() - uploads;
            downloads = device.downloads() - downloads;
            String table = profiler == null ? null : profiler.table();
            float[] lossValues = new float[total];
            device.download(lossValues, 0, losses, 0, total);
            List<float[]> finalParams = new ArrayList<>();
            params.forEach(p -> finalParams.add(p.toHost()));
            return new Result(device.info().id(), modelName, batch, warmup, steps, seconds, model.trainingFlopsPerExample(), lossValues,
                    firstStep, finalParams, table, allocations, uploads, downloads);
        } finally {
            optimizer.release();
            model.release();
        }
    }

    /**
     * Trains a throwaway copy of the model on this device for about {@code seconds} (at least one step, as
     * many passes over {@code data} as fit) and releases it: the JIT compiles the CPU kernels, OpenCL builds its
     * programs and the buffer pool fills, so that a following {@link #run} measures steady-state steps. The
     * run itself still starts from the seed's weights and batches. Returns the steps trained.
     */
    public static int settle(Device device, String modelName, Dataset data, int batch, long seed, double seconds) {
        Sequential model = Models.byName(modelName).build(device, seed);
        Sgd optimizer = optimizer();
        Trainer trainer = new Trainer(model, optimizer, Integer.MAX_VALUE);
        List<Tensor> params = model.parameters();
        int steps = 0, available = data.size() / batch;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        try {
            for (int pass = 0; steps == 0 || System.nanoTime() < end; pass++) {
                try (BatchLoader batches = new BatchLoader(data, batch, true, seed + pass)) {
                    for (int i = 0; i < available && (steps == 0 || System.nanoTime() < end); i++) {
                        trainer.step(batches.next(), Trainer.inputShape(batch, data), params, (loss, logits, labels) -> {
                        });
                        device.finish();
                        steps++;
                    }
                }
            }
        } finally {
            optimizer.release();
            model.release();
        }
        return steps;
    }

    /** The one optimizer every device trains with, so their losses and parameters can be compared. */
    private static Sgd optimizer() {
        return new Sgd(0.01f, 0.9f, false, 0f);
    }

    /** @throws IllegalArgumentException when {@code data} has fewer than {@code warmup + steps} full batches */
    public static void checkSteps(Dataset data, int batch, int warmup, int steps) {
        int available = data.size() / batch;
        if (warmup + steps > available) {
            throw new IllegalArgumentException(data.name() + " has " + available + " full batches of " + batch + ": ask for at most "
                    + (available - warmup) + " steps after " + warmup + " warm-up steps");
        }
    }

    /**
     * {@code max over steps of |loss - reference loss| / |reference loss|}. Over many steps this measures
     * drift as well as kernels: float sums in another order change the last bits, and training (a max-pool
     * window whose two largest values swap, a ReLU at zero) can turn that into a different route for a
     * gradient; two CPU GEMMs drift apart as much as CPU and OpenCL do. {@link #firstStepDifference}
     * isolates the kernels.
     */
    public static double lossDifference(Result run, Result reference) {
        return lossDifference(run, reference, run.losses().length);
    }

    /**
     * The larger of the first loss's relative difference (forward pass only) and the parameter difference
     * after the first step (one forward, backward and update from identical weights); NaN without warm-up.
     */
    public static double firstStepDifference(Result run, Result reference) {
        if (run.firstStepParameters().isEmpty() || reference.firstStepParameters().isEmpty()) {
            return Double.NaN;
        }
        return Math.max(lossDifference(run, reference, 1), worstTensorDifference(run.firstStepParameters(), reference.firstStepParameters()));
    }

    private static double lossDifference(Result run, Result reference, int steps) {
        double worst = 0;
        for (int i = 0; i < steps; i++) {
            double ref = reference.losses()[i];
            worst = Math.max(worst, Math.abs(run.losses()[i] - ref) / Math.max(Math.abs(ref), 1e-12));
        }
        return worst;
    }

    /**
     * {@code max|p - reference p| / max|reference p|}, both maxima over every parameter of the model: how far
     * the run's weights are from the reference's, on the scale of the model's weights.
     */
    public static double parameterDifference(Result run, Result reference) {
        double diff = 0, scale = 1e-12;
        for (int t = 0; t < run.parameters().size(); t++) {
            double[] m = maxima(run.parameters().get(t), reference.parameters().get(t));
            diff = Math.max(diff, m[0]);
            scale = Math.max(scale, m[1]);
        }
        return diff / scale;
    }

    /**
     * {@code max over parameter tensors of max|p - reference p| / max|reference p|}: stricter than
     * {@link #parameterDifference} for a tensor whose values stay small, such as a bias that starts at zero.
     */
    public static double worstTensorDifference(Result run, Result reference) {
        return worstTensorDifference(run.parameters(), reference.parameters());
    }

    private static double worstTensorDifference(List<float[]> run, List<float[]> reference) {
        double worst = 0;
        for (int t = 0; t < run.size(); t++) {
            double[] m = maxima(run.get(t), reference.get(t));
            worst = Math.max(worst, m[0] / Math.max(m[1], 1e-12));
        }
        return worst;
    }

    /** {@code {max|p - reference p|, max|reference p|}} over one tensor. */
    private static double[] maxima(float[] p, float[] reference) {
        double diff = 0, scale = 0;
        for (int i = 0; i < p.length; i++) {
            diff = Math.max(diff, Math.abs(p[i] - reference[i]));
            scale = Math.max(scale, Math.abs(reference[i]));
        }
        return new double[] {diff, scale};
    }
}
