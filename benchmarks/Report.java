import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prints a JMH JSON result file as a table, adding GFLOP/s for benchmarks with an {@code MxKxN} or convolution ({@code NxHxWxC-kK-pP-oO}) shape
 * parameter and images/s for training steps (batch 128): {@code java benchmarks/Report.java results.json}.
 */
public class Report {
    public static void main(String[] args) throws Exception {
        String json = Files.readString(Path.of(args[0]));
        Pattern row = Pattern.compile("\"benchmark\"\\s*:\\s*\"([^\"]+)\".*?\"params\"\\s*:\\s*\\{(.*?)\\}.*?\"primaryMetric\"\\s*:\\s*\\{"
                + "\\s*\"score\"\\s*:\\s*([0-9.eE+-]+)\\s*,\\s*\"scoreError\"\\s*:\\s*([0-9.eE+-]+|\"NaN\").*?\"scoreUnit\"\\s*:\\s*\"([^\"]+)\"",
                Pattern.DOTALL);
        Matcher m = row.matcher(json);
        System.out.printf("%-28s %-12s %-20s %12s %10s %12s%n", "BENCHMARK", "BACKEND", "SHAPE", "SCORE", "ERROR", "RATE");
        while (m.find()) {
            String name = m.group(1).substring(m.group(1).lastIndexOf('.', m.group(1).lastIndexOf('.') - 1) + 1);
            String params = m.group(2);
            String backend = param(params, "backend"), shape = param(params, "shape");
            if (shape == null) {
                shape = param(params, "model");
            }
            double score = Double.parseDouble(m.group(3));
            String unit = m.group(5);
            String gflops = "";
            String model = param(params, "model");
            if (model != null && unit.equals("ms/op")) {
                gflops = String.format("%.0f img/s", 128 / (score * 1e-3));
            }
            if (shape != null && shape.matches("\\d+x\\d+x\\d+x\\d+-k\\d+-p\\d+-o\\d+") && unit.equals("ms/op")) {
                // a stride-1 convolution: 2 x output pixels x out-channels x taps
                String[] p = shape.split("-"), d = p[0].split("x");
                double k = Double.parseDouble(p[1].substring(1)), pad = Double.parseDouble(p[2].substring(1));
                double oh = Double.parseDouble(d[1]) + 2 * pad - k + 1, ow = Double.parseDouble(d[2]) + 2 * pad - k + 1;
                double flops = 2.0 * Double.parseDouble(d[0]) * oh * ow * Double.parseDouble(p[3].substring(1)) * k * k
                        * Double.parseDouble(d[3]);
                gflops = String.format("%.1f", flops / (score * 1e-3) / 1e9);
            }
            if (shape != null && shape.matches("\\d+x\\d+x\\d+(-[NT]{2})?") && unit.equals("ms/op")) {
                String[] mkn = shape.split("-")[0].split("x");
                double flops = 2.0 * Double.parseDouble(mkn[0]) * Double.parseDouble(mkn[1]) * Double.parseDouble(mkn[2]);
                gflops = String.format("%.1f", flops / (score * 1e-3) / 1e9);
            }
            String error = m.group(4).replace("\"", "");
            System.out.printf("%-28s %-12s %-20s %9.3f %-2s %10s %12s%n", name, backend, shape, score, unit.replace("/op", ""),
                    error.equals("NaN") ? "NaN" : String.format("%.3f", Double.parseDouble(error)), gflops);
        }
    }

    private static String param(String params, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(params);
        return m.find() ? m.group(1) : null;
    }
}
