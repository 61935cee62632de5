import io.clnet.device.Device;
import io.clnet.device.DeviceSelector;
import io.clnet.device.cpu.CpuDevice;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prints a JMH JSON result file as a table, adding GFLOP/s for benchmarks with an {@code MxKxN} or convolution
 * ({@code NxHxWxC-kK-pP-oO}) shape parameter and images/s for training steps (batch 128). For every backend with a
 * GFLOP/s row it then measures that device's peak, as {@code compare} does (the CPU's FMA loop on every core, an
 * OpenCL device's large SGEMM), and prints each rate as a share of it: the speed bars are stated that way.
 * Run with clnet on the class path, as {@code benchmarks/run} does:
 * {@code java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar benchmarks/Report.java results.json}.
 */
public class Report {
    private record Row(String name, String backend, String shape, double score, String unit, String error, String rate,
                       double gflops) {
    }

    public static void main(String[] args) throws Exception {
        String json = Files.readString(Path.of(args[0]));
        Pattern row = Pattern.compile("\"benchmark\"\\s*:\\s*\"([^\"]+)\".*?\"params\"\\s*:\\s*\\{(.*?)\\}.*?\"primaryMetric\"\\s*:\\s*\\{"
                + "\\s*\"score\"\\s*:\\s*([0-9.eE+-]+)\\s*,\\s*\"scoreError\"\\s*:\\s*([0-9.eE+-]+|\"NaN\").*?\"scoreUnit\"\\s*:\\s*\"([^\"]+)\"",
                Pattern.DOTALL);
        Matcher m = row.matcher(json);
        List<Row> rows = new ArrayList<>();
        while (m.find()) {
            rows.add(parse(m));
        }
        Map<String, Double> peaks = new LinkedHashMap<>();
        for (Row r : rows) {
            if (!Double.isNaN(r.gflops) && r.backend != null && !peaks.containsKey(r.backend)) {
                peaks.put(r.backend, measurePeak(r.backend));
            }
        }
        System.out.printf("%-28s %-12s %-20s %12s %10s %12s %8s%n", "BENCHMARK", "BACKEND", "SHAPE", "SCORE", "ERROR", "RATE", "OF PEAK");
        for (Row r : rows) {
            Double peak = peaks.get(r.backend);
            String share = Double.isNaN(r.gflops) || peak == null || Double.isNaN(peak) ? "" : String.format("%.1f%%", 100 * r.gflops / peak);
            System.out.printf("%-28s %-12s %-20s %9.3f %-2s %10s %12s %8s%n", r.name, r.backend, r.shape, r.score,
                    r.unit.replace("/op", ""), r.error, r.rate, share);
        }
        peaks.forEach((backend, peak) -> System.out.printf("peak of %s: %s, measured after the benchmarks%n", backend,
                Double.isNaN(peak) ? "not measured (the device did not open)" : String.format("%.1f GFLOP/s", peak)));
    }

    private static Row parse(Matcher m) {
        String name = m.group(1).substring(m.group(1).lastIndexOf('.', m.group(1).lastIndexOf('.') - 1) + 1);
        String params = m.group(2);
        String backend = param(params, "backend"), shape = param(params, "shape");
        if (shape == null) {
            shape = param(params, "model");
        }
        double score = Double.parseDouble(m.group(3));
        String unit = m.group(5);
        String rate = "";
        double gflops = Double.NaN;
        String model = param(params, "model");
        if (model != null && unit.equals("ms/op")) {
            rate = String.format("%.0f img/s", 128 / (score * 1e-3));
        }
        if (shape != null && shape.matches("\\d+x\\d+x\\d+x\\d+-k\\d+-p\\d+-o\\d+") && unit.equals("ms/op")) {
            // a stride-1 convolution: 2 x output pixels x out-channels x taps
            String[] p = shape.split("-"), d = p[0].split("x");
            double k = Double.parseDouble(p[1].substring(1)), pad = Double.parseDouble(p[2].substring(1));
            double oh = Double.parseDouble(d[1]) + 2 * pad - k + 1, ow = Double.parseDouble(d[2]) + 2 * pad - k + 1;
            double flops = 2.0 * Double.parseDouble(d[0]) * oh * ow * Double.parseDouble(p[3].substring(1)) * k * k
                    * Double.parseDouble(d[3]);
            gflops = flops / (score * 1e-3) / 1e9;
        }
        if (shape != null && shape.matches("\\d+x\\d+x\\d+(-[NT]{2})?") && unit.equals("ms/op")) {
            String[] mkn = shape.split("-")[0].split("x");
            double flops = 2.0 * Double.parseDouble(mkn[0]) * Double.parseDouble(mkn[1]) * Double.parseDouble(mkn[2]);
            gflops = flops / (score * 1e-3) / 1e9;
        }
        if (!Double.isNaN(gflops)) {
            rate = String.format("%.1f", gflops);
        }
        String error = m.group(4).replace("\"", "");
        error = error.equals("NaN") ? "NaN" : String.format("%.3f", Double.parseDouble(error));
        return new Row(name, backend, shape, score, unit, error, rate, gflops);
    }

    /** The peak {@code compare} would read for this backend ({@code cpu-scalar} is the CPU), or NaN when it does not open. */
    private static double measurePeak(String backend) {
        try (Device device = backend.equals("cpu-scalar") ? new CpuDevice() : DeviceSelector.system().select(backend).device()) {
            return device.measurePeakGflops();
        } catch (RuntimeException | LinkageError e) {
            System.err.println("peak of " + backend + ": " + e.getMessage());
            return Double.NaN;
        }
    }

    private static String param(String params, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(params);
        return m.find() ? m.group(1) : null;
    }
}
