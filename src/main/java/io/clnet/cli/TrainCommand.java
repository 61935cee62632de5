package io.clnet.cli;

import io.clnet.data.Datasets;
import io.clnet.device.DeviceSelector;
import io.clnet.train.Models;
import io.clnet.train.TrainingRun;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code train}: a built-in model on MNIST or Fashion-MNIST on the chosen device, with per-epoch test
 * accuracy, checkpoints and history in {@code --out}. With {@code --json} the last line is one JSON object.
 */
public final class TrainCommand {
    public static final Set<String> VALUE_FLAGS = Set.of("model", "dataset", "data", "epochs", "batch", "lr", "optimizer", "momentum",
            "weight-decay", "device", "seed", "max-steps", "out", "resume", "validation");
    public static final Set<String> SWITCH_FLAGS = Set.of("json", "verbose", "nesterov", "profile");

    private final DeviceSelector selector;

    public TrainCommand(DeviceSelector selector) {
        this.selector = selector;
    }

    public int run(Args args, PrintStream out) {
        String model = args.choice("model", "lenet", "simple", "lenet", "mlp");
        String dataset = args.choice("dataset", "mnist", "mnist", "fashion-mnist");
        String optimizer = args.choice("optimizer", "adam", "sgd", "adam");
        boolean sgd = optimizer.equals("sgd");
        TrainingRun.Settings settings = new TrainingRun.Settings(model, dataset,
                args.intValue("epochs", 2, 1), args.intValue("batch", 64, 1),
                args.floatValue("lr", sgd ? 0.01f : 0.001f, 1e-8f, 10f), optimizer,
                args.floatValue("momentum", 0f, 0f, 0.999f), args.has("nesterov"),
                args.floatValue("weight-decay", 0f, 0f, 1f), args.intValue("seed", 1, 0), args.intValue("max-steps", 0, 0),
                Path.of(args.get("out", "runs/" + model + "-" + dataset)), args.intValue("validation", 0, 0), args.has("profile"));
        Path resume = args.has("resume") ? Path.of(args.get("resume")) : null;

        DeviceSelector.Selection selection = selector.select(args.get("device"));
        try {
            out.println("device: " + selection.device().info() + ": " + selection.reason());
            Datasets.TrainTest data = Datasets.load(dataset, args.has("data") ? Path.of(args.get("data")) : null, out::println);
            out.println("data: " + dataset + " from " + data.directory() + " (" + data.train().size() + " train, " + data.test().size()
                    + " test)");
            TrainingRun.Result result = TrainingRun.run(settings, selection.device(), data, resume, out, System.console() != null);
            out.printf("test accuracy %.2f%% (loss %.4f) after %d epochs, %d steps%n", 100 * result.test().accuracy(),
                    result.test().loss(), result.epochs(), result.steps());
            if (args.has("json")) {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("device", selection.device().info().id());
                json.put("model", model);
                json.put("dataset", dataset);
                json.put("epochs", result.epochs());
                json.put("steps", result.steps());
                json.put("train_images_per_s", Math.round(result.trainImagesPerSecond() * 10) / 10.0);
                json.put("test_acc", result.test().accuracy());
                json.put("test_loss", result.test().loss());
                out.println(Json.write(json));
            }
            return 0;
        } finally {
            selection.device().close();
        }
    }

    public static String usage() {
        return "  train [--model " + Models.NAMES.replace(", ", "|") + "] [--dataset mnist|fashion-mnist] [--data DIR] [--epochs N]\n"
                + "        [--batch N] [--lr X] [--optimizer sgd|adam] [--momentum X] [--nesterov] [--weight-decay X]\n"
                + "        [--seed N] [--max-steps N] [--validation N] [--out DIR] [--resume FILE] [--json]\n"
                + "        [--profile]";
    }
}
