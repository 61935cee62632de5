package io.clnet.train;

import io.clnet.data.Batch;
import io.clnet.data.BatchLoader;
import io.clnet.data.Dataset;
import io.clnet.device.Device;
import io.clnet.nn.Losses;
import io.clnet.nn.Model;
import io.clnet.nn.Tape;
import io.clnet.nn.Tensor;
import io.clnet.nn.optim.Optimizer;

import java.util.List;

/**
 * Trains a classifier with softmax-cross-entropy. One step: upload the batch, forward, loss, backward,
 * optimizer update, free the step's tape. Loss and accuracy are summed on the device and read only when
 * reported.
 */
public final class Trainer {
    /** Told about progress; every method has a default so callers implement what they show. */
    public interface Listener {
        default void onStep(int step, int stepsInEpoch, double loss, double accuracy, double imagesPerSecond) {
        }
    }

    private final Model model;
    private final Optimizer optimizer;
    private final Device device;
    private final int reportEvery;
    private StepProfile profile;

    /** @param reportEvery steps between progress reads (each read waits for the device) */
    public Trainer(Model model, Optimizer optimizer, int reportEvery) {
        this.model = model;
        this.optimizer = optimizer;
        this.device = model.device();
        this.reportEvery = Math.max(1, reportEvery);
    }

    /** Times the following training steps per op kind (see {@link StepProfile}); null turns it off. */
    public void profile(StepProfile profile) {
        this.profile = profile;
    }

    /**
     * One epoch over {@code data} in the order given by {@code shuffleSeed}, stopping after {@code maxSteps}
     * steps if that is positive.
     *
     * @throws TrainingDivergedException when the loss becomes NaN or infinite
     */
    public EpochStats trainEpoch(Dataset data, int batchSize, long shuffleSeed, int maxSteps, Listener listener) {
        List<Tensor> params = model.parameters();
        int stepsInEpoch = BatchLoader.batchesPerEpoch(data.size(), batchSize);
        if (maxSteps > 0) {
            stepsInEpoch = Math.min(stepsInEpoch, maxSteps);
        }
        long start = System.nanoTime();
        int steps = 0;
        double[] latest = {0, 0};
        try (RunningStats stats = new RunningStats(device); BatchLoader batches = new BatchLoader(data, batchSize, true, shuffleSeed)) {
            while (batches.hasNext() && steps < stepsInEpoch) {
                Batch batch = batches.next();
                if (profile != null) {
                    profile.beforeStep();
                }
                step(batch, inputShape(batch.size(), data), params, stats::add);
                if (profile != null) {
                    profile.afterStep();
                }
                steps++;
                if (steps % reportEvery == 0 || steps == stepsInEpoch) {
                    latest = stats.read();
                    checkFinite(latest[0], steps);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    listener.onStep(steps, stepsInEpoch, latest[0], latest[1], stats.examples() / seconds);
                }
            }
            if (profile != null) {
                profile.pause();
            }
            device.finish();
            double seconds = (System.nanoTime() - start) / 1e9;
            return new EpochStats(stats.examples(), steps, latest[0], latest[1], stats.examples() / seconds);
        }
    }

    /** Sees each step's mean loss ({@code [1]}), logits and labels on the device, before the step's tape is freed. */
    public interface StepObserver {
        void observe(Tensor meanLoss, Tensor logits, Tensor labels);
    }

    /**
     * One training step: upload {@code batch} as {@code imageShape}, forward, softmax-cross-entropy, backward,
     * optimizer update. Nothing is read back to the host.
     */
    public void step(Batch batch, int[] imageShape, List<Tensor> params, StepObserver observer) {
        try (Tape tape = new Tape(device)) {
            Tensor x = tape.input(batch.images(), imageShape);
            Tensor y = tape.input(batch.labels(), batch.size());
            Tensor logits = model.forward(x, true);
            Tensor loss = Losses.softmaxCrossEntropy(logits, y);
            observer.observe(loss, logits, y);
            loss.backward();
            optimizer.step(params);
            params.forEach(Tensor::clearGrad);
        }
    }

    /** Mean loss and accuracy over {@code data}, without dropout and without gradients. */
    public EpochStats evaluate(Dataset data, int batchSize) {
        try (RunningStats stats = new RunningStats(device); BatchLoader batches = new BatchLoader(data, batchSize, false, 0)) {
            int steps = 0;
            while (batches.hasNext()) {
                Batch batch = batches.next();
                try (Tape tape = new Tape(device)) {
                    Tensor x = tape.input(batch.images(), inputShape(batch.size(), data));
                    Tensor y = tape.input(batch.labels(), batch.size());
                    Tensor logits = model.forward(x, false);
                    stats.add(Losses.softmaxCrossEntropy(logits, y), logits, y);
                }
                steps++;
            }
            double[] result = stats.read();
            return new EpochStats(stats.examples(), steps, result[0], result[1], 0);
        }
    }

    static int[] inputShape(int batch, Dataset data) {
        return new int[] {batch, data.height(), data.width(), data.channels()};
    }

    private static void checkFinite(double loss, int step) {
        if (!Double.isFinite(loss)) {
            throw new TrainingDivergedException("the training loss became " + loss + " by step " + step
                    + " (try a lower --lr); the last good checkpoint is kept");
        }
    }
}
