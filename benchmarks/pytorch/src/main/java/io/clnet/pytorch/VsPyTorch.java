package io.clnet.pytorch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * clnet against PyTorch on this machine, in one sitting: every run in a fresh JVM ({@link TrainRun}, and for
 * {@code --eval} the {@code clnet eval} command against {@link EvalRun}), the frameworks alternating, repeated.
 * Prints per model the img/s of both, steady state and whole run, with min/median/max over the repeats, and
 * the ratio of the medians (and the range of the per-repeat ratios); writes every run to {@code --out}.
 *
 * <pre>
 *   benchmarks/pytorch/run [--models simple,lenet] [--batch 128] [--repeats 3] [--threads N]
 *                          [--whole-steps N] [--steady-steps N] [--eval] [--out FILE]
 * </pre>
 * A whole run is one epoch of {@code simple} (469 steps at batch 128) and 300 steps of any other model, counted
 * from the first step; steady state is the steps after it. {@code --threads N} sets {@code CLNET_THREADS} for
 * clnet and {@code ai.djl.pytorch.num_threads} (and interop threads) for PyTorch.
 */
public final class VsPyTorch {
    private VsPyTorch() {
    }

    private static final java.util.Set<String> VALUE_FLAGS =
            java.util.Set.of("models", "batch", "repeats", "threads", "whole-steps", "steady-steps", "eval-model", "out");

    public static void main(String[] argv) throws Exception {
        Map<String, String> args;
        try {
            args = parse(argv);
            for (String model : args.getOrDefault("models", "simple,lenet").split(",")) {
                TorchModels.block(model); // an unknown model fails here, before any run
            }
            for (String flag : List.of("batch", "repeats", "threads", "whole-steps", "steady-steps")) {
                if (args.containsKey(flag) && !args.get(flag).matches("[1-9][0-9]{0,6}")) {
                    throw new IllegalArgumentException("--" + flag + " must be a whole number >= 1, got '" + args.get(flag) + "'");
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("vs-pytorch: " + e.getMessage());
            System.exit(2);
            return;
        }
        List<String> models = Arrays.asList(args.getOrDefault("models", "simple,lenet").split(","));
        int batch = Integer.parseInt(args.getOrDefault("batch", "128"));
        int repeats = Integer.parseInt(args.getOrDefault("repeats", "3"));
        String threads = args.get("threads");
        Path out = Path.of(args.getOrDefault("out", "benchmarks/pytorch/results.json"));
        Children children = new Children(threads);
        System.out.println("cpu: " + Children.cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores; batch " + batch
                + (threads == null ? "" : ", threads " + threads) + "; " + repeats + " repeats, each run in a fresh JVM");

        List<Map<String, String>> runs = new ArrayList<>();
        for (int r = 0; r < repeats; r++) {
            for (String model : models) {
                int whole = Integer.parseInt(args.getOrDefault("whole-steps", Integer.toString(defaultWholeSteps(model, batch))));
                int steady = Integer.parseInt(args.getOrDefault("steady-steps", Integer.toString(defaultSteadySteps(model))));
                // Alternate which framework goes first, so neither always meets the machine's later phases.
                List<String> order = r % 2 == 0 ? List.of("clnet", "pytorch") : List.of("pytorch", "clnet");
                for (String framework : order) {
                    Map<String, String> result = children.train(framework, model, batch, whole, steady, 1);
                    result.put("repeat", Integer.toString(r));
                    runs.add(result);
                    System.out.printf(Locale.ROOT, "  %-7s %-7s repeat %d: whole %8.1f img/s, steady %8.1f img/s, first loss %s%n",
                            model, framework, r + 1, imagesPerSecond(result, "whole"), imagesPerSecond(result, "steady"),
                            result.get("first_loss"));
                }
            }
            if (args.containsKey("eval")) {
                for (String framework : r % 2 == 0 ? List.of("clnet", "pytorch") : List.of("pytorch", "clnet")) {
                    Map<String, String> result = children.eval(framework, args.getOrDefault("eval-model", "lenet"));
                    result.put("repeat", Integer.toString(r));
                    runs.add(result);
                    System.out.printf(Locale.ROOT, "  eval    %-7s repeat %d: %.2f s (accuracy %s)%n", framework, r + 1,
                            Double.parseDouble(result.get("process_s")), result.get("accuracy"));
                }
            }
        }
        String table = table(models, runs, args.containsKey("eval"));
        System.out.print(table);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, json(batch, threads, runs) + "\n");
        System.out.println("runs: " + out);
    }

    static int defaultWholeSteps(String model, int batch) {
        return model.equals("simple") ? (60000 + batch - 1) / batch : 300;
    }

    static int defaultSteadySteps(String model) {
        return model.equals("simple") ? 300 : 60;
    }

    static double imagesPerSecond(Map<String, String> run, String phase) {
        return Integer.parseInt(run.get(phase + "_steps")) * (double) Integer.parseInt(run.get("batch"))
                / Double.parseDouble(run.get(phase + "_s"));
    }

    private static String table(List<String> models, List<Map<String, String>> runs, boolean eval) {
        StringBuilder sb = new StringBuilder();
        String header = "%-8s %-7s %-26s %-26s %-22s%n";
        sb.append(String.format(Locale.ROOT, header, "model", "phase", "clnet img/s min/med/max", "pytorch img/s min/med/max",
                "clnet/pytorch med (range)"));
        for (String model : models) {
            for (String phase : List.of("steady", "whole")) {
                double[] c = rates(runs, model, "clnet", phase), p = rates(runs, model, "pytorch", phase);
                double[] ratios = new double[Math.min(c.length, p.length)];
                List<Map<String, String>> cr = of(runs, model, "clnet"), pr = of(runs, model, "pytorch");
                for (int i = 0; i < ratios.length; i++) {
                    ratios[i] = imagesPerSecond(cr.get(i), phase) / imagesPerSecond(pr.get(i), phase);
                }
                Arrays.sort(ratios);
                sb.append(String.format(Locale.ROOT, header, model, phase, range(c, "%.0f"), range(p, "%.0f"),
                        String.format(Locale.ROOT, "%.2fx (%.2f-%.2f)", median(c) / median(p), ratios[0], ratios[ratios.length - 1])));
            }
        }
        if (eval) {
            double[] c = evalSeconds(runs, "clnet"), p = evalSeconds(runs, "pytorch");
            sb.append(String.format(Locale.ROOT, "eval (fresh JVM, 10k test images): clnet %s s, pytorch %s s, pytorch/clnet time %.2fx%n",
                    range(c, "%.2f"), range(p, "%.2f"), median(p) / median(c)));
        }
        return sb.toString();
    }

    private static List<Map<String, String>> of(List<Map<String, String>> runs, String model, String framework) {
        return runs.stream().filter(r -> model.equals(r.get("model")) && framework.equals(r.get("framework"))
                && r.containsKey("steady_s")).toList();
    }

    private static double[] rates(List<Map<String, String>> runs, String model, String framework, String phase) {
        return of(runs, model, framework).stream().mapToDouble(r -> imagesPerSecond(r, phase)).sorted().toArray();
    }

    private static double[] evalSeconds(List<Map<String, String>> runs, String framework) {
        return runs.stream().filter(r -> "eval".equals(r.get("kind")) && framework.equals(r.get("framework")))
                .mapToDouble(r -> Double.parseDouble(r.get("process_s"))).sorted().toArray();
    }

    private static String range(double[] sorted, String format) {
        return String.format(Locale.ROOT, format + "/" + format + "/" + format, sorted[0], median(sorted), sorted[sorted.length - 1]);
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String json(int batch, String threads, List<Map<String, String>> runs) {
        StringBuilder sb = new StringBuilder("{\"cpu\":\"" + Children.cpuModel() + "\",\"cores\":" + Runtime.getRuntime().availableProcessors()
                + ",\"batch\":" + batch + ",\"threads\":" + (threads == null ? "null" : threads) + ",\"runs\":[");
        for (int i = 0; i < runs.size(); i++) {
            sb.append(i == 0 ? "" : ",").append('{');
            int j = 0;
            for (Map.Entry<String, String> e : runs.get(i).entrySet()) {
                sb.append(j++ == 0 ? "" : ",").append('"').append(e.getKey()).append("\":\"").append(e.getValue()).append('"');
            }
            sb.append('}');
        }
        return sb.append("]}").toString();
    }

    private static Map<String, String> parse(String[] argv) {
        Map<String, String> args = new HashMap<>();
        for (int i = 0; i < argv.length; i++) {
            if (!argv[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + argv[i] + "'");
            }
            String key = argv[i].substring(2);
            if (key.equals("eval")) {
                args.put(key, "true");
            } else if (!VALUE_FLAGS.contains(key)) {
                throw new IllegalArgumentException("unknown flag --" + key + " (flags: --eval, --" + String.join(", --", VALUE_FLAGS) + ")");
            } else if (i + 1 >= argv.length) {
                throw new IllegalArgumentException("--" + key + " needs a value");
            } else {
                args.put(key, argv[++i]);
            }
        }
        return args;
    }

    /** Starts the child JVMs and reads their {@code RESULT} lines. */
    static final class Children {
        private final String threads;
        private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        private final String classPath = System.getProperty("java.class.path");
        private final Path here = Path.of(System.getProperty("clnet.benchmarks.dir", "benchmarks/pytorch")).toAbsolutePath();

        Children(String threads) {
            this.threads = threads;
        }

        Map<String, String> train(String framework, String model, int batch, int whole, int steady, long seed) throws IOException, InterruptedException {
            List<String> command = jvm(framework);
            command.addAll(List.of(TrainRun.class.getName(), framework, model, Integer.toString(batch), Integer.toString(whole),
                    Integer.toString(steady), Long.toString(seed)));
            Map<String, String> result = run(command);
            result.put("kind", "train");
            return result;
        }

        /** A fresh JVM that evaluates a lenet checkpoint on the test set; timed from process start to exit. */
        Map<String, String> eval(String framework, String model) throws IOException, InterruptedException {
            Path checkpoint = here.resolve("target/eval-" + model + ".clnet");
            if (!Files.exists(checkpoint)) { // a briefly trained checkpoint: eval's speed does not depend on the weights
                Path dir = here.resolve("target/eval-train");
                run(List.of(java, "-jar", clnetJar(), "train", "--model", model, "--epochs", "1", "--max-steps", "100",
                        "--out", dir.toString()));
                Files.copy(dir.resolve("checkpoint-epoch1.clnet"), checkpoint);
            }
            List<String> command;
            if (framework.equals("clnet")) { // what a user runs
                command = new ArrayList<>(List.of(java, "-jar", clnetJar(),
                        "eval", "--checkpoint", checkpoint.toString()));
            } else {
                command = jvm("pytorch");
                command.addAll(List.of(EvalRun.class.getName(), "pytorch", model, checkpoint.toString()));
            }
            long start = System.nanoTime();
            Map<String, String> result = run(command);
            result.put("process_s", String.format(Locale.ROOT, "%.3f", (System.nanoTime() - start) / 1e9));
            result.put("kind", "eval");
            result.put("framework", framework);
            result.put("model", model);
            return result;
        }

        private String clnetJar() {
            return here.resolve("../../target/clnet.jar").normalize().toString();
        }

        private List<String> jvm(String framework) {
            // Both with the Vector API: PyTorch's run builds its initial weights with clnet's CPU backend.
            List<String> command = new ArrayList<>(List.of(java, "--add-modules=jdk.incubator.vector", "-cp", classPath));
            if (!framework.equals("clnet")) {
                command.add("-Dai.djl.offline=true");
                command.add("-DDJL_CACHE_DIR=" + here.resolve("target/djl-cache"));
                command.add("-DENGINE_CACHE_DIR=" + here.resolve("target/djl-cache"));
                if (threads != null) {
                    command.add("-Dai.djl.pytorch.num_threads=" + threads);
                    command.add("-Dai.djl.pytorch.num_interop_threads=" + threads);
                }
            }
            return command;
        }

        private Map<String, String> run(List<String> command) throws IOException, InterruptedException {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            if (threads != null) {
                builder.environment().put("CLNET_THREADS", threads);
            }
            Process process = builder.start();
            Map<String, String> result = new LinkedHashMap<>();
            StringBuilder output = new StringBuilder();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    output.append(line).append('\n');
                    if (line.startsWith("RESULT ")) {
                        for (String kv : line.substring(7).trim().split(" ")) {
                            int eq = kv.indexOf('=');
                            result.put(kv.substring(0, eq), kv.substring(eq + 1));
                        }
                    }
                    if (line.contains("accuracy") && line.contains("test (")) { // clnet eval's line
                        result.put("accuracy", line.replaceAll(".*accuracy ([0-9.]+%).*", "$1"));
                    }
                }
            }
            int code = process.waitFor();
            if (code != 0) {
                throw new IllegalStateException("child JVM failed (exit " + code + "): " + String.join(" ", command) + "\n" + output);
            }
            return result;
        }

        static String cpuModel() {
            try {
                return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                        .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
            } catch (IOException e) {
                return System.getProperty("os.arch");
            }
        }
    }
}
