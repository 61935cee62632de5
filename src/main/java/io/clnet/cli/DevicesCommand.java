package io.clnet.cli;

import io.clnet.device.DeviceInfo;
import io.clnet.device.DeviceSelector;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code devices [--json] [--device SPEC]}: every device with its self-test result and which one {@code auto}
 * picks. With {@code --device}, also checks that spec can be served and fails (exit 1) with the reason if not.
 */
public final class DevicesCommand {
    public static final Set<String> VALUE_FLAGS = Set.of("device");
    public static final Set<String> SWITCH_FLAGS = Set.of("json", "verbose");

    private final DeviceSelector selector;

    public DevicesCommand(DeviceSelector selector) {
        this.selector = selector;
    }

    public int run(Args args, PrintStream out, PrintStream err) {
        String asked = args.get("device");
        String askedResult = null;
        if (asked != null) {
            try (var selection = new AutoCloseSelection(selector.select(asked))) {
                askedResult = selection.id();
            } catch (RuntimeException e) {
                err.println("clnet: --device " + asked + " cannot be used: " + e.getMessage());
                return 1;
            }
        }
        DeviceSelector.Survey survey = selector.survey();
        if (args.has("json")) {
            out.println(Json.write(toJson(survey, asked, askedResult)));
        } else {
            printTable(survey, out);
            if (asked != null) {
                out.println("--device " + asked + " selects " + askedResult);
            }
        }
        return 0;
    }

    private static void printTable(DeviceSelector.Survey survey, PrintStream out) {
        String format = "%-12s %-7s %-12s %5s %10s  %-10s %s%n";
        out.printf(format, "ID", "BACKEND", "TYPE", "UNITS", "MEMORY", "SELF-TEST", "NAME (VERSION)");
        for (DeviceSelector.Probe p : survey.devices()) {
            DeviceInfo i = p.info();
            out.printf(format, i.id(), i.backend(), i.type(), i.computeUnits(), gib(i.memoryBytes()),
                    p.failure() == null ? "ok" : "FAILED", i.name() + " (" + i.version() + ")");
            if (p.failure() != null) {
                out.println("             self-test: " + p.failure());
            }
        }
        if (survey.openClProblem() != null) {
            out.println("opencl: unavailable: " + survey.openClProblem());
        }
        out.println("auto picks " + survey.autoId() + ": " + survey.autoReason());
    }

    private static Map<String, Object> toJson(DeviceSelector.Survey survey, String asked, String askedResult) {
        List<Object> devices = new ArrayList<>();
        for (DeviceSelector.Probe p : survey.devices()) {
            DeviceInfo i = p.info();
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("id", i.id());
            d.put("backend", i.backend());
            d.put("name", i.name());
            d.put("type", i.type());
            d.put("compute_units", i.computeUnits());
            d.put("memory_bytes", i.memoryBytes());
            d.put("version", i.version());
            d.put("self_test", p.failure() == null ? "ok" : "failed");
            d.put("self_test_failure", p.failure());
            devices.add(d);
        }
        Map<String, Object> auto = new LinkedHashMap<>();
        auto.put("id", survey.autoId());
        auto.put("reason", survey.autoReason());
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("devices", devices);
        root.put("opencl_problem", survey.openClProblem());
        root.put("auto", auto);
        if (asked != null) {
            root.put("requested", Map.of("spec", asked, "id", askedResult));
        }
        return root;
    }

    private static String gib(long bytes) {
        return String.format("%.1f GiB", bytes / (double) (1L << 30));
    }

    /** Closes the selected device when the check is done. */
    private record AutoCloseSelection(DeviceSelector.Selection selection) implements AutoCloseable {
        String id() {
            return selection.device().info().id();
        }

        @Override
        public void close() {
            selection.device().close();
        }
    }
}
