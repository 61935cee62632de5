package io.clnet.pytorch;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.clnet.data.Batch;
import io.clnet.data.BatchLoader;
import io.clnet.data.Dataset;
import io.clnet.data.Datasets;
import io.clnet.device.Buffer;
import io.clnet.device.Device;
import io.clnet.device.DeviceSelector;
import io.clnet.nn.Sequential;
import io.clnet.nn.Tensor;
import io.clnet.nn.optim.Sgd;
import io.clnet.train.Models;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One measured training run in this JVM, of one framework: {@code TrainRun clnet|pytorch MODEL BATCH WHOLE STEADY SEED}.
 * Both frameworks train the same model from the same initial weights (clnet's, built from {@code SEED}) on the
 * same MNIST batches in the same order (clnet's {@link BatchLoader}), with SGD, lr 0.01, momentum 0.9, as
 * {@code compare} does. The run is timed twice: the first {@code WHOLE} steps from the first step on (JIT
 * compilation, oneDNN's primitive creation and all), then {@code STEADY} more steps. Prints one line,
 * {@code RESULT key=value ...}, for {@link VsPyTorch}.
 */
public final class TrainRun {
    private static final float LR = 0.01f, MOMENTUM = 0.9f;

    /** What one framework does per step; {@link #step} returns the step's mean loss, or NaN if it is not read. */
    interface Stepper extends AutoCloseable {
        float step(Batch batch, boolean readLoss);

        /** Waits until every step so far has finished. */
        void finish();

        @Override
        void close();
    }

    public static void main(String[] args) {
        String framework = args[0], model = args[1];
        int batch = Integer.parseInt(args[2]), whole = Integer.parseInt(args[3]), steady = Integer.parseInt(args[4]);
        long seed = Long.parseLong(args[5]);
        Dataset train = Datasets.load("mnist", null, System.err::println).train();
        try (Stepper stepper = framework.equals("clnet") ? new ClnetStepper(model, seed) : new TorchStepper(model, batch, seed)) {
            float firstLoss;
            long start = System.nanoTime();
            try (BatchLoader batches = new BatchLoader(train, batch, true, seed)) {
                firstLoss = stepper.step(batches.next(), true);
                for (int i = 1; i < whole; i++) {
                    stepper.step(nextOrNewEpoch(batches), false);
                }
                stepper.finish();
            }
            double wholeSeconds = (System.nanoTime() - start) / 1e9;
            float lastLoss = Float.NaN;
            double steadySeconds;
            try (BatchLoader batches = new BatchLoader(train, batch, true, seed + 1)) {
                start = System.nanoTime();
                for (int i = 0; i < steady; i++) {
                    float loss = stepper.step(batches.next(), i == steady - 1);
                    lastLoss = i == steady - 1 ? loss : lastLoss;
                }
                stepper.finish();
                steadySeconds = (System.nanoTime() - start) / 1e9;
            }
            System.out.printf(Locale.ROOT, "RESULT framework=%s model=%s batch=%d whole_steps=%d whole_s=%.4f steady_steps=%d steady_s=%.4f"
                            + " first_loss=%.6f last_loss=%.6f%n", framework, model, batch, whole, wholeSeconds, steady, steadySeconds,
                    firstLoss, lastLoss);
        }
    }

    private static Batch nextOrNewEpoch(BatchLoader batches) {
        if (!batches.hasNext()) {
            throw new IllegalArgumentException("the whole run is longer than an epoch");
        }
        return batches.next();
    }

    /** clnet's initial parameters for {@code model} from {@code seed}, built on the CPU backend. */
    static List<float[]> clnetInitialWeights(Sequential model, long seed) {
        Device cpu = DeviceSelector.system().select("cpu").device();
        try {
            model.build(cpu, seed);
            List<float[]> values = new ArrayList<>();
            model.parameters().forEach(p -> values.add(p.toHost()));
            model.release();
            return values;
        } finally {
            cpu.close();
        }
    }

    /** clnet's own training step ({@link io.clnet.train.Trainer#step}) on its CPU backend. */
    static final class ClnetStepper implements Stepper {
        private final Device device;
        private final Sequential model;
        private final Sgd optimizer = new Sgd(LR, MOMENTUM, false, 0f);
        private final io.clnet.train.Trainer trainer;
        private final List<Tensor> params;
        private final Buffer loss;
        private final float[] lossHost = new float[1];

        ClnetStepper(String name, long seed) {
            device = DeviceSelector.system().select("cpu").device();
            model = Models.byName(name).build(device, seed);
            trainer = new io.clnet.train.Trainer(model, optimizer, Integer.MAX_VALUE);
            params = model.parameters();
            loss = device.allocate(1);
        }

        @Override
        public float step(Batch batch, boolean readLoss) {
            trainer.step(batch, new int[] {batch.size(), 28, 28, 1}, params, (l, logits, labels) -> {
                if (readLoss) {
                    device.copy(loss, 0, l.data(), 0, 1);
                }
            });
            if (!readLoss) {
                return Float.NaN;
            }
            device.download(lossHost, 0, loss, 0, 1);
            return lossHost[0];
        }

        @Override
        public void finish() {
            device.finish();
        }

        @Override
        public void close() {
            loss.close();
            optimizer.release();
            model.release();
            device.close();
        }
    }

    /** The same step in PyTorch through DJL: forward, softmax cross-entropy, backward, SGD with momentum. */
    static final class TorchStepper implements Stepper {
        private final Model model;
        private final Trainer trainer;
        private final NDManager manager;

        TorchStepper(String name, int batch, long seed) {
            model = Model.newInstance(name, ai.djl.Device.cpu(), "PyTorch");
            Block block = TorchModels.block(name);
            model.setBlock(block);
            Optimizer sgd = Optimizer.sgd().setLearningRateTracker(Tracker.fixed(LR)).optMomentum(MOMENTUM).build();
            trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()).optOptimizer(sgd));
            trainer.initialize(new Shape(batch, 1, 28, 28));
            Sequential reference = Models.byName(name);
            TorchModels.copyWeights(reference, clnetInitialWeights(reference, seed), block);
            manager = trainer.getManager();
        }

        @Override
        public float step(Batch batch, boolean readLoss) {
            try (NDManager step = manager.newSubManager()) {
                NDArray x = step.create(FloatBuffer.wrap(batch.images(), 0, batch.size() * 784), new Shape(batch.size(), 1, 28, 28));
                NDArray y = step.create(FloatBuffer.wrap(batch.labels(), 0, batch.size()), new Shape(batch.size()));
                float value = Float.NaN;
                try (GradientCollector collector = trainer.newGradientCollector()) {
                    NDList predictions = trainer.forward(new NDList(x));
                    NDArray loss = trainer.getLoss().evaluate(new NDList(y), predictions);
                    collector.backward(loss);
                    if (readLoss) {
                        value = loss.getFloat();
                    }
                }
                trainer.step();
                return value;
            }
        }

        @Override
        public void finish() {
            // PyTorch's CPU ops have finished when they return.
        }

        @Override
        public void close() {
            trainer.close();
            model.close();
        }
    }
}
