package io.clnet.train;

import io.clnet.data.Dataset;
import io.clnet.data.Datasets;
import io.clnet.device.Device;
import io.clnet.nn.Sequential;
import io.clnet.nn.Tensor;
import io.clnet.nn.optim.Adam;
import io.clnet.nn.optim.Optimizer;
import io.clnet.nn.optim.Sgd;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code train} run: a built-in model, epochs of {@link Trainer} with a test evaluation after each,
 * a checkpoint after each epoch ({@code out/checkpoint-epochN.clnet}) and the history in {@code out}.
 * Epoch {@code e} shuffles with a seed derived from {@code (seed, e)}, so a run resumed from epoch
 * {@code e}'s checkpoint continues exactly as the uninterrupted run would.
 */
public final class TrainingRun {

    /** What the user asked for. */
    public record Settings(String model, String dataset, int epochs, int batch, float lr, String optimizer, float momentum,
                           boolean nesterov, float weightDecay, long seed, int maxSteps, Path out, int validation,
                           boolean profile) {
    }

    /** How it went. */
    public record Result(int epochs, int steps, double trainImagesPerSecond, EpochStats test, History history) {
    }

    /** Steps not profiled at the start of a run: JIT compilation and first-use kernel builds. */
    static final int PROFILE_WARMUP_STEPS = 5;

    private TrainingRun() {
    }

    public static Result run(Settings s, Device device, Datasets.TrainTest data, Path resume, PrintStream log, boolean terminal) {
        Checkpoint from = resume == null ? null : Checkpoint.read(resume);
        String modelName = from == null ? s.model() : from.setting("model");
        Sequential model = Models.byName(modelName).build(device, s.seed());
        Optimizer optimizer = optimizer(s);
        int firstEpoch = 1, steps = 0;
        try {
            if (from != null) {
                restore(from, model, optimizer, resume);
                firstEpoch = Integer.parseInt(from.setting("epoch")) + 1;
                steps = Integer.parseInt(from.setting("steps"));
                log.println("resuming " + modelName + " after epoch " + (firstEpoch - 1) + " from " + resume);
            }
            log.print(model.summary());
            Dataset train = data.train(), validation = null;
            if (s.validation() > 0) {
                if (s.validation() >= train.size()) {
                    throw new IllegalArgumentException("--validation " + s.validation() + " leaves no training data of " + train.size());
                }
                Dataset[] parts = train.split(train.size() - s.validation(), train.name(), train.name() + "-validation");
                train = parts[0];
                validation = parts[1];
                log.println("validation: the last " + validation.size() + " training images are held out");
            }
            Trainer trainer = new Trainer(model, optimizer, 20);
            StepProfile profile = s.profile() ? new StepProfile(device, PROFILE_WARMUP_STEPS) : null;
            trainer.profile(profile);
            History history = new History();
            double imagesPerSecond = 0;
            EpochStats test = null;
            for (int epoch = firstEpoch; epoch <= s.epochs(); epoch++) {
                int budget = s.maxSteps() > 0 ? s.maxSteps() - steps : 0;
                if (s.maxSteps() > 0 && budget <= 0) {
                    break;
                }
                long start = System.nanoTime();
                String prefix = "epoch " + epoch + "/" + s.epochs();
                EpochStats trained = trainer.trainEpoch(train, s.batch(), shuffleSeed(s.seed(), epoch), budget,
                        new Progress(log, terminal, prefix));
                steps += trained.steps();
                EpochStats checked = validation == null ? null : trainer.evaluate(validation, 500);
                test = trainer.evaluate(data.test(), 500);
                double seconds = (System.nanoTime() - start) / 1e9;
                imagesPerSecond = trained.imagesPerSecond();
                history.add(new History.Row(epoch, steps, trained.loss(), trained.accuracy(),
                        checked == null ? Double.NaN : checked.loss(), checked == null ? Double.NaN : checked.accuracy(),
                        test.loss(), test.accuracy(), trained.imagesPerSecond(), seconds));
                Path checkpoint = s.out().resolve("checkpoint-epoch" + epoch + ".clnet");
                save(checkpoint, s, modelName, model, optimizer, epoch, steps, device);
                history.write(s.out());
                log.printf("%s: train loss %.4f acc %.2f%% | %stest loss %.4f acc %.2f%% | %.0f img/s | %.1f s | %s%n", prefix,
                        trained.loss(), 100 * trained.accuracy(),
                        checked == null ? "" : String.format("validation loss %.4f acc %.2f%% | ", checked.loss(), 100 * checked.accuracy()),
                        test.loss(), 100 * test.accuracy(), trained.imagesPerSecond(), seconds, checkpoint);
            }
            if (test == null) {
                test = trainer.evaluate(data.test(), 500);
            }
            if (profile != null) {
                log.print(profile.table());
            }
            return new Result(history.rows().isEmpty() ? firstEpoch - 1 : history.rows().get(history.rows().size() - 1).epoch(),
                    steps, imagesPerSecond, test, history);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to " + s.out() + ": " + e.getMessage(), e);
        } finally {
            optimizer.release();
            model.release();
        }
    }

    /** The shuffle seed of one epoch: depends only on the run's seed and the epoch number. */
    static long shuffleSeed(long seed, int epoch) {
        return seed * 1_000_003L + epoch;
    }

    static Optimizer optimizer(Settings s) {
        switch (s.optimizer()) {
            case "sgd":
                return new Sgd(s.lr(), s.momentum(), s.nesterov(), s.weightDecay());
            case "adam":
                return new Adam(s.lr(), 0.9f, 0.999f, 1e-8f, s.weightDecay());
            default:
                throw new IllegalArgumentException("unknown optimizer '" + s.optimizer() + "': use sgd or adam");
        }
    }

    static void save(Path file, Settings s, String modelName, Sequential model, Optimizer optimizer, int epoch, int steps,
                     Device device) throws IOException {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("model", modelName);
        settings.put("layers", model.describe());
        settings.put("dataset", s.dataset());
        settings.put("optimizer", optimizer.describe());
        settings.put("batch", Integer.toString(s.batch()));
        settings.put("seed", Long.toString(s.seed()));
        settings.put("epoch", Integer.toString(epoch));
        settings.put("steps", Integer.toString(steps));
        settings.put("device", device.info().id());
        Map<String, float[]> arrays = new LinkedHashMap<>();
        List<Tensor> params = model.parameters();
        for (int i = 0; i < params.size(); i++) {
            arrays.put("param." + i, params.get(i).toHost());
        }
        optimizer.saveState(params).forEach((k, v) -> arrays.put("optimizer." + k, v));
        new Checkpoint(settings, arrays).write(file);
    }

    /** Loads weights (and, when given, optimizer state) into a model built from the checkpoint's model name. */
    static void restore(Checkpoint c, Sequential model, Optimizer optimizer, Path file) {
        if (!c.setting("layers").equals(model.describe())) {
            throw new IllegalArgumentException(file + ": its layers (" + c.setting("layers") + ") are not this model's ("
                    + model.describe() + ")");
        }
        List<Tensor> params = model.parameters();
        for (int i = 0; i < params.size(); i++) {
            float[] values = c.arrays().get("param." + i);
            if (values == null) {
                throw new IllegalArgumentException(file + ": missing parameter " + i + " (" + params.get(i) + ")");
            }
            params.get(i).load(values);
        }
        if (optimizer != null) {
            Map<String, float[]> state = new LinkedHashMap<>();
            c.arrays().forEach((k, v) -> {
                if (k.startsWith("optimizer.")) {
                    state.put(k.substring("optimizer.".length()), v);
                }
            });
            optimizer.loadState(params, state);
        }
    }

    /** A model with the weights of {@code file}, for evaluation. */
    public static Sequential loadModel(Path file, Device device) {
        Checkpoint c = Checkpoint.read(file);
        Sequential model = Models.byName(c.setting("model")).build(device, 0);
        restore(c, model, null, file);
        return model;
    }

    /** The dataset a checkpoint was trained on. */
    public static String datasetOf(Path file) {
        return Checkpoint.read(file).setting("dataset");
    }
}
