package io.clnet.cli;

import io.clnet.data.Datasets;
import io.clnet.device.DeviceSelector;
import io.clnet.nn.Sequential;
import io.clnet.nn.optim.Sgd;
import io.clnet.train.EpochStats;
import io.clnet.train.Trainer;
import io.clnet.train.TrainingRun;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** {@code eval --checkpoint FILE}: test loss and accuracy of a checkpoint on its dataset (or {@code --dataset}). */
public final class EvalCommand {
    public static final Set<String> VALUE_FLAGS = Set.of("checkpoint", "dataset", "data", "device");
    public static final Set<String> SWITCH_FLAGS = Set.of("json", "verbose");

    private final DeviceSelector selector;

    public EvalCommand(DeviceSelector selector) {
        this.selector = selector;
    }

    public int run(Args args, PrintStream out) {
        if (!args.has("checkpoint")) {
            throw new UsageException("eval needs --checkpoint FILE");
        }
        Path file = Path.of(args.get("checkpoint"));
        String dataset = args.has("dataset") ? args.choice("dataset", null, "mnist", "fashion-mnist") : TrainingRun.datasetOf(file);
        DeviceSelector.Selection selection = selector.select(args.get("device"));
        try {
            Datasets.TrainTest data = Datasets.load(dataset, args.has("data") ? Path.of(args.get("data")) : null, out::println);
            Sequential model = TrainingRun.loadModel(file, selection.device());
            try {
                EpochStats test = new Trainer(model, new Sgd(1f), 1).evaluate(data.test(), 500);
                out.printf("%s on %s test (%d images, %s): accuracy %.2f%%, loss %.4f%n", file, dataset, test.examples(),
                        selection.device().info().id(), 100 * test.accuracy(), test.loss());
                if (args.has("json")) {
                    Map<String, Object> json = new LinkedHashMap<>();
                    json.put("checkpoint", file.toString());
                    json.put("device", selection.device().info().id());
                    json.put("dataset", dataset);
                    json.put("test_acc", test.accuracy());
                    json.put("test_loss", test.loss());
                    out.println(Json.write(json));
                }
                return 0;
            } finally {
                model.release();
            }
        } finally {
            selection.device().close();
        }
    }
}
