package io.clnet.train;

import io.clnet.cli.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Per-epoch results, written as CSV, JSON and PNG plots of loss and accuracy. */
public final class History {
    /** One epoch's row. */
    public record Row(int epoch, int steps, double trainLoss, double trainAccuracy, double validationLoss,
                      double validationAccuracy, double testLoss, double testAccuracy, double imagesPerSecond, double seconds) {
    }

    private final List<Row> rows = new ArrayList<>();

    public void add(Row row) {
        rows.add(row);
    }

    public List<Row> rows() {
        return rows;
    }

    /** Empty in the CSV when there was no validation split. */
    private static String optional(double value) {
        return Double.isNaN(value) ? "" : String.format("%.6f", value);
    }

    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        StringBuilder csv = new StringBuilder("epoch,steps,train_loss,train_acc,validation_loss,validation_acc,test_loss,test_acc,"
                + "images_per_s,seconds\n");
        List<Object> json = new ArrayList<>();
        for (Row r : rows) {
            csv.append(String.format("%d,%d,%.6f,%.6f,%s,%s,%.6f,%.6f,%.1f,%.2f%n", r.epoch(), r.steps(), r.trainLoss(),
                    r.trainAccuracy(), optional(r.validationLoss()), optional(r.validationAccuracy()), r.testLoss(), r.testAccuracy(),
                    r.imagesPerSecond(), r.seconds()));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("epoch", r.epoch());
            m.put("steps", r.steps());
            m.put("train_loss", r.trainLoss());
            m.put("train_acc", r.trainAccuracy());
            m.put("validation_loss", r.validationLoss());
            m.put("validation_acc", r.validationAccuracy());
            m.put("test_loss", r.testLoss());
            m.put("test_acc", r.testAccuracy());
            m.put("images_per_s", r.imagesPerSecond());
            m.put("seconds", r.seconds());
            json.add(m);
        }
        Files.writeString(dir.resolve("history.csv"), csv);
        Files.writeString(dir.resolve("history.json"), Json.write(json) + "\n");
        double[] epochs = new double[rows.size()];
        double[][] loss = new double[2][rows.size()], acc = new double[2][rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            epochs[i] = rows.get(i).epoch();
            loss[0][i] = rows.get(i).trainLoss();
            loss[1][i] = rows.get(i).testLoss();
            acc[0][i] = rows.get(i).trainAccuracy();
            acc[1][i] = rows.get(i).testAccuracy();
        }
        String[] names = {"train", "test"};
        LinePlot.write(dir.resolve("loss.png"), "loss", "epoch", epochs, names, loss);
        LinePlot.write(dir.resolve("accuracy.png"), "accuracy", "epoch", epochs, names, acc);
    }
}
