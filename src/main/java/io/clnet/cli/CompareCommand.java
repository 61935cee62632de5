package io.clnet.cli;

import io.clnet.data.Datasets;
import io.clnet.device.DeviceSelector;
import io.clnet.device.cpu.CpuThreads;
import io.clnet.train.BarChart;
import io.clnet.train.Models;
import io.clnet.train.SpeedRun;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code compare}: the same models, seed and batches on every device, one table. Per (device, model) the
 * timed steps give images/s, ms/step, achieved GFLOP/s (training FLOPs per image x images/s) and MFU
 * (achieved / peak), the peak being the device's (the CPU's FMA loop, an OpenCL device's large SGEMM)
 * measured just before and just after those steps, the larger of the two. Loss and parameter differences are relative to the CPU run (or the first device
 * when the CPU is not in the list). The table goes to {@code --out} as {@code compare.json}, with
 * {@code compare.png}; {@code --json} prints it as the last line.
 */
public final class CompareCommand {
    public static final Set<String> VALUE_FLAGS = Set.of("models", "steps", "warmup", "settle", "batch", "devices", "out", "data", "seed");
    /** Steps between progress lines while a model trains on a device. */
    private static final int PROGRESS_EVERY = 20;

    public static final Set<String> SWITCH_FLAGS = Set.of("json", "profile", "verbose");

    private final DeviceSelector selector;

    public CompareCommand(DeviceSelector selector) {
        this.selector = selector;
    }

    public int run(Args args, PrintStream out) {
        List<String> models = new ArrayList<>();
        for (String m : args.get("models", "simple,lenet").split(",")) {
            Models.byName(m.trim()).inputShape(); // fails early, naming the unknown model
            models.add(m.trim());
        }
        int steps = args.intValue("steps", 60, 1), warmup = args.intValue("warmup", 5, 0), batch = args.intValue("batch", 128, 1);
        long seed = args.intValue("seed", 1, 0);
        int settleSeconds = args.intValue("settle", 5, 0);
        boolean profile = args.has("profile");
        Path outDir = Path.of(args.get("out", "runs/compare"));
        Datasets.TrainTest data = Datasets.load("mnist", args.has("data") ? Path.of(args.get("data")) : null, out::println);
        SpeedRun.checkSteps(data.train(), batch, warmup, steps);

        DeviceSelector.Opened opened = selector.openAll(args.get("devices", "all"));
        opened.problems().forEach(p -> out.println("left out: " + p));
        List<Map<String, Object>> rows = new ArrayList<>();
        Map<String, SpeedRun.Result> reference = new LinkedHashMap<>();
        List<SpeedRun.Result> results = new ArrayList<>();
        List<Double> peaks = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        try {
            for (DeviceSelector.Selection s : opened.selections()) {
                String id = s.device().info().id();
                out.println("device " + s.device().info());
                for (String model : models) {
                    try {
                        if (settleSeconds > 0) {
                            int settled = SpeedRun.settle(s.device(), model, data.train(), batch, seed, settleSeconds);
                            out.printf("  %s on %s: settled with %d throwaway steps (JIT, kernel builds)%n", model, id, settled);
                        }
                    } catch (RuntimeException e) {
                        runFailed(model, id, e, failures, out);
                        continue;
                    }
                    // The peak just before and just after the timed steps, once the settle's JIT and kernel builds
                    // are done: this machine's capacity moves over seconds (a vCPU can lose half of it).
                    double before;
                    try {
                        before = s.device().measurePeakGflops();
                    } catch (RuntimeException e) {
                        // One device that fails must not cost the others their results.
                        failures.add(id + ": " + e.getMessage());
                        out.println("device " + id + " failed to measure its peak: " + e.getMessage());
                        break;
                    }
                    try {
                        SpeedRun.Result r = SpeedRun.run(s.device(), model, data.train(), batch, warmup, steps, seed, profile,
                                done -> {
                                    if (done % PROGRESS_EVERY == 0 && done < warmup + steps) {
                                        out.printf("  %s on %s: %d/%d steps%n", model, id, done, warmup + steps);
                                    }
                                });
                        double after = s.device().measurePeakGflops(), peak = Math.max(before, after);
                        out.printf(Locale.ROOT, "  %s on %s: %.1f img/s, %.2f ms/step; peak %.1f GFLOP/s (%.1f before, %.1f after)%n",
                                model, id, r.imagesPerSecond(), r.msPerStep(), peak, before, after);
                        if (r.profile() != null) {
                            out.print(r.profile());
                        }
                        results.add(r);
                        peaks.add(peak);
                    } catch (RuntimeException e) {
                        runFailed(model, id, e, failures, out);
                    }
                }
            }
        } finally {
            opened.selections().forEach(s -> s.device().close());
        }
        List<String> deviceIds = results.stream().map(SpeedRun.Result::device).distinct().toList();
        String referenceId = deviceIds.contains("cpu") ? "cpu" : deviceIds.isEmpty() ? null : deviceIds.get(0);
        results.stream().filter(r -> r.device().equals(referenceId)).forEach(r -> reference.put(r.model(), r));
        for (int i = 0; i < results.size(); i++) {
            rows.add(row(results.get(i), peaks.get(i), reference.get(results.get(i).model())));
        }
        out.print(table(rows));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("command", "compare");
        json.put("steps", steps);
        json.put("warmup", warmup);
        json.put("batch", batch);
        json.put("seed", seed);
        json.put("settle_seconds", settleSeconds);
        json.put("cores", Runtime.getRuntime().availableProcessors());
        json.put("cpu_threads", CpuThreads.count());
        json.put("java", Runtime.version().toString());
        json.put("rows", rows);
        json.put("failures", failures);
        write(outDir, json, models, deviceIds, rows);
        out.println("table and chart: " + outDir.resolve("compare.json") + ", " + outDir.resolve("compare.png"));
        if (args.has("json")) {
            out.println(Json.write(json));
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException(failures.size() + " run(s) failed; the table has the others: " + String.join("; ", failures));
        }
        return 0;
    }

    private static Map<String, Object> row(SpeedRun.Result r, double peak, SpeedRun.Result ref) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("device", r.device());
        row.put("model", r.model());
        row.put("images_per_s", round(r.imagesPerSecond(), 1));
        row.put("ms_per_step", round(r.msPerStep(), 3));
        row.put("speedup_vs_cpu", ref == null ? null : round(r.imagesPerSecond() / ref.imagesPerSecond(), 3));
        row.put("training_mflop_per_image", round(r.trainingFlopsPerImage() / 1e6, 3));
        row.put("gflops", round(r.achievedGflops(), 2));
        row.put("peak_gflops", round(peak, 1));
        row.put("mfu", round(r.achievedGflops() / peak, 4));
        row.put("loss_rel_diff", ref == null ? null : SpeedRun.lossDifference(r, ref));
        row.put("param_rel_diff", ref == null ? null : SpeedRun.parameterDifference(r, ref));
        row.put("param_rel_diff_worst_tensor", ref == null ? null : SpeedRun.worstTensorDifference(r, ref));
        double firstStep = ref == null ? Double.NaN : SpeedRun.firstStepDifference(r, ref);
        row.put("first_step_rel_diff", Double.isNaN(firstStep) ? null : firstStep);
        row.put("reference", ref == null ? null : ref.device());
        row.put("final_loss", (double) r.losses()[r.losses().length - 1]);
        row.put("device_allocations_timed", r.allocationsWhileTimed());
        row.put("uploads_per_step", (double) r.uploadsWhileTimed() / r.steps());
        row.put("downloads_timed", r.downloadsWhileTimed());
        return row;
    }

    static String table(List<Map<String, Object>> rows) {
        StringBuilder sb = new StringBuilder();
        String header = "%-14s %-7s %10s %9s %8s %9s %8s %6s %10s %10s %10s%n";
        sb.append(String.format(Locale.ROOT, header, "device", "model", "images/s", "ms/step", "speedup", "GFLOP/s", "peak", "MFU",
                "loss diff", "param diff", "step-1 diff"));
        for (Map<String, Object> r : rows) {
            sb.append(String.format(Locale.ROOT, "%-14s %-7s %10.1f %9.2f %8s %9.2f %8.1f %5.1f%% %10s %10s %10s%n", r.get("device"),
                    r.get("model"), (Double) r.get("images_per_s"), (Double) r.get("ms_per_step"), orDash(r.get("speedup_vs_cpu"), "%.2fx"),
                    (Double) r.get("gflops"), (Double) r.get("peak_gflops"), 100 * (Double) r.get("mfu"),
                    orDash(r.get("loss_rel_diff"), "%.2e"), orDash(r.get("param_rel_diff"), "%.2e"),
                    orDash(r.get("first_step_rel_diff"), "%.2e")));
        }
        return sb.toString();
    }

    private static String orDash(Object value, String format) {
        return value == null ? "-" : String.format(Locale.ROOT, format, value);
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    /** One (model, device) run that failed: named in the output and the failure list; the others go on. */
    private static void runFailed(String model, String id, RuntimeException e, List<String> failures, PrintStream out) {
        failures.add(model + " on " + id + ": " + e.getMessage());
        out.println("  " + model + " on " + id + " failed: " + e.getMessage());
    }

    private static void write(Path outDir, Map<String, Object> json, List<String> models, List<String> devices,
                              List<Map<String, Object>> rows) {
        try {
            Files.createDirectories(outDir);
            Path tmp = outDir.resolve("compare.json.tmp");
            Files.writeString(tmp, Json.write(json) + "\n");
            Files.move(tmp, outDir.resolve("compare.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            double[][] values = new double[models.size()][devices.size()];
            for (double[] v : values) {
                java.util.Arrays.fill(v, Double.NaN);
            }
            for (Map<String, Object> r : rows) {
                values[models.indexOf((String) r.get("model"))][devices.indexOf((String) r.get("device"))] = (Double) r.get("images_per_s");
            }
            BarChart.write(outDir.resolve("compare.png"), "Training throughput, same model and data on each device", "images/s",
                    models.toArray(new String[0]), devices.toArray(new String[0]), values);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to " + outDir + ": " + e.getMessage(), e);
        }
    }

    public static String usage() {
        return "  compare [--models simple,lenet] [--steps N] [--warmup N] [--settle SECONDS] [--batch N]\n"
                + "        [--devices all|cpu,opencl:P:D,...]\n"
                + "        [--data DIR] [--seed N] [--out DIR] [--profile] [--json]";
    }
}
