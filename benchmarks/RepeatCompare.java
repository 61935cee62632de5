import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@code compare} N times, each in a fresh JVM, and prints every model's ms/step per run with the median and
 * the slowest run's ratio to it; exits 1 if a run of a {@code --check} model (default lenet, a comma list) is slower
 * than {@code --bar} (default 1.3) times its median. ({@code simple}'s steps last 3-5 ms, so a second in which the
 * machine is busy moves a whole run of it.)
 * A slow mode that strikes one JVM in several (as a kernel recompiled with boxed vectors did) shows up here:
 *
 * <pre>
 *   java benchmarks/RepeatCompare.java [--runs 12] [--bar 1.3] [--check lenet] [compare flags, default --models simple,lenet --devices cpu --steps 60]
 * </pre>
 * Needs {@code target/clnet.jar} (run from the repository root after {@code mvn package}).
 */
public class RepeatCompare {
    public static void main(String[] argv) throws IOException, InterruptedException {
        int runs = 12;
        double bar = 1.3;
        List<String> checked = List.of("lenet");
        List<String> compare = new ArrayList<>();
        for (int i = 0; i < argv.length; i++) {
            switch (argv[i]) {
                case "--runs" -> runs = Integer.parseInt(argv[++i]);
                case "--bar" -> bar = Double.parseDouble(argv[++i]);
                case "--check" -> checked = List.of(argv[++i].split(","));
                default -> compare.add(argv[i]);
            }
        }
        if (compare.isEmpty()) {
            compare.addAll(List.of("--models", "simple,lenet", "--devices", "cpu", "--steps", "60"));
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Map<String, List<Double>> msPerStep = new LinkedHashMap<>();
        Pattern row = Pattern.compile("\\{\"device\":\"([^\"]+)\",\"model\":\"([^\"]+)\",\"images_per_s\":[^,]+,\"ms_per_step\":([0-9.]+)");
        for (int r = 1; r <= runs; r++) {
            List<String> command = new ArrayList<>(List.of(java, "-jar", "target/clnet.jar", "compare", "--json", "--out", "runs/repeat-compare"));
            command.addAll(compare);
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String last = "";
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    last = line.startsWith("{") ? line : last;
                }
            }
            if (p.waitFor() != 0 || last.isEmpty()) {
                throw new IllegalStateException("run " + r + " failed: " + String.join(" ", command));
            }
            StringBuilder shown = new StringBuilder("run " + r + ":");
            for (Matcher m = row.matcher(last); m.find(); ) {
                String key = m.group(1) + " " + m.group(2);
                double ms = Double.parseDouble(m.group(3));
                msPerStep.computeIfAbsent(key, k -> new ArrayList<>()).add(ms);
                shown.append(String.format(Locale.ROOT, "  %s %.2f ms", key, ms));
            }
            System.out.println(shown);
        }
        boolean ok = true;
        for (Map.Entry<String, List<Double>> e : msPerStep.entrySet()) {
            double[] v = e.getValue().stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
            double worst = v[v.length - 1] / median;
            boolean check = checked.contains(e.getKey().substring(e.getKey().indexOf(' ') + 1));
            ok &= !check || worst <= bar;
            System.out.printf(Locale.ROOT, "%-22s ms/step min %.2f median %.2f max %.2f; slowest / median %.2f %s%n",
                    e.getKey(), v[0], median, v[v.length - 1], worst, !check ? "" : worst <= bar ? "ok (bar " + bar + ")" : "SLOWER than " + bar);
            System.out.println("  all: " + Arrays.toString(v));
        }
        System.exit(ok ? 0 : 1);
    }
}
