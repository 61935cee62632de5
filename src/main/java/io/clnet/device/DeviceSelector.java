package io.clnet.device;

import io.clnet.device.cpu.CpuDevice;
import io.clnet.device.opencl.ClPlatforms;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Turns {@code --device auto|cpu|opencl|opencl:P:D} (or {@code $CLNET_DEVICE}) into an open device and a
 * one-line reason.
 *
 * <ul>
 *   <li>{@code auto}: the first OpenCL GPU or accelerator that opens and passes {@link SelfTest}, else the CPU
 *       backend, with the reason OpenCL was not used. Never fails.</li>
 *   <li>{@code opencl}: the first OpenCL device (GPUs first, then any type, e.g. PoCL) that opens and passes;
 *       {@code opencl:P:D}: exactly that one. Either throws {@link DeviceUnavailableException} with the
 *       reason when it cannot be served: asking for OpenCL never silently falls back.</li>
 * </ul>
 */
public final class DeviceSelector {
    public static final String ENV = "CLNET_DEVICE";

    /** The chosen device and why. The caller owns (and closes) the device. */
    public record Selection(Device device, String reason) {
    }

    /** One device as {@code devices} shows it: {@code failure} is null when it opened and passed the self-test. */
    public record Probe(DeviceInfo info, String failure) {
    }

    /** Every device, OpenCL's problem if it has one, and what {@code auto} picks. */
    public record Survey(List<Probe> devices, String openClProblem, String autoId, String autoReason) {
    }

    private final OpenClProvider openCl;
    private final Supplier<Device> cpu;

    public DeviceSelector(OpenClProvider openCl, Supplier<Device> cpu) {
        this.openCl = openCl;
        this.cpu = cpu;
    }

    /** The real OpenCL stack and the fastest CPU backend this JVM can run. */
    public static DeviceSelector system() {
        return new DeviceSelector(ClPlatforms.system(), CpuDevice::new);
    }

    /** {@code spec} if given, else {@code $CLNET_DEVICE}, else {@code auto}. */
    public static String resolveSpec(String spec) {
        if (spec != null && !spec.isBlank()) {
            return spec.trim();
        }
        String env = System.getenv(ENV);
        return env != null && !env.isBlank() ? env.trim() : "auto";
    }

    public Selection select(String spec) {
        String s = resolveSpec(spec);
        if (s.equals("cpu")) {
            return new Selection(cpu.get(), "asked for cpu");
        }
        if (s.equals("auto")) {
            return selectAuto();
        }
        if (s.equals("opencl") || s.matches("opencl:\\d+:\\d+")) {
            return selectOpenCl(s);
        }
        throw new IllegalArgumentException("unknown device '" + s + "': use auto, cpu, opencl or opencl:P:D (see 'devices')");
    }

    private Selection selectAuto() {
        List<OpenClProvider.Candidate> candidates;
        try {
            candidates = openCl.discover();
        } catch (DeviceUnavailableException e) {
            return new Selection(cpu.get(), "OpenCL unavailable: " + e.getMessage());
        }
        List<String> problems = new ArrayList<>();
        for (OpenClProvider.Candidate c : candidates) {
            if (c.info().isGpuOrAccelerator()) {
                Device device = tryOpen(c, problems);
                if (device != null) {
                    return new Selection(device, "first OpenCL GPU/accelerator that passed the self-test");
                }
            }
        }
        String why = !problems.isEmpty() ? String.join("; ", problems)
                : "no OpenCL GPU or accelerator" + (candidates.isEmpty() ? "" : " (found " + describe(candidates)
                + "; ask for it with --device opencl)");
        return new Selection(cpu.get(), why);
    }

    private Selection selectOpenCl(String spec) {
        List<OpenClProvider.Candidate> candidates = openCl.discover();
        List<OpenClProvider.Candidate> order = new ArrayList<>();
        if (spec.equals("opencl")) {
            candidates.stream().filter(c -> c.info().isGpuOrAccelerator()).forEach(order::add);
            candidates.stream().filter(c -> !c.info().isGpuOrAccelerator()).forEach(order::add);
        } else {
            candidates.stream().filter(c -> c.info().id().equals(spec)).forEach(order::add);
            if (order.isEmpty()) {
                throw new DeviceUnavailableException("no OpenCL device " + spec + " (found "
                        + (candidates.isEmpty() ? "none" : describe(candidates)) + ")");
            }
        }
        if (order.isEmpty()) {
            throw new DeviceUnavailableException("OpenCL found no devices");
        }
        List<String> problems = new ArrayList<>();
        for (OpenClProvider.Candidate c : order) {
            Device device = tryOpen(c, problems);
            if (device != null) {
                return new Selection(device, "asked for " + spec);
            }
        }
        throw new DeviceUnavailableException(String.join("; ", problems));
    }

    /** Devices opened together, and why the others were left out. */
    public record Opened(List<Selection> selections, List<String> problems) {
    }

    /**
     * Opens the CPU and every OpenCL device that opens and passes its self-test ({@code all}), or each spec
     * of a comma-separated list like {@code cpu,opencl:0:0}. The caller closes them.
     */
    public Opened openAll(String list) {
        List<Selection> opened = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        try {
            if (!list.trim().equals("all")) {
                for (String spec : list.split(",")) {
                    if (!spec.isBlank()) {
                        opened.add(select(spec.trim()));
                    }
                }
                return new Opened(opened, problems);
            }
            opened.add(new Selection(cpu.get(), "the CPU backend"));
            try {
                for (OpenClProvider.Candidate c : openCl.discover()) {
                    Device device = tryOpen(c, problems);
                    if (device != null) {
                        opened.add(new Selection(device, "OpenCL device that passed the self-test"));
                    }
                }
            } catch (DeviceUnavailableException e) {
                problems.add("OpenCL unavailable: " + e.getMessage());
            }
            return new Opened(opened, problems);
        } catch (RuntimeException e) {
            opened.forEach(s -> s.device().close());
            throw e;
        }
    }

    /** Opens every device and runs its self-test; nothing stays open. */
    public Survey survey() {
        List<Probe> probes = new ArrayList<>();
        try (Device c = cpu.get()) {
            probes.add(new Probe(c.info(), SelfTest.run(c)));
        }
        String openClProblem = null;
        String autoId = "cpu", autoReason = null;
        try {
            List<OpenClProvider.Candidate> candidates = openCl.discover();
            for (OpenClProvider.Candidate c : candidates) {
                List<String> problems = new ArrayList<>();
                Device device = tryOpen(c, problems);
                if (device != null) {
                    device.close();
                }
                probes.add(new Probe(c.info(), device != null ? null : problems.get(0)));
                if (autoReason == null && device != null && c.info().isGpuOrAccelerator()) {
                    autoId = c.info().id();
                    autoReason = "first OpenCL GPU/accelerator that passed the self-test";
                }
            }
            if (autoReason == null) {
                autoReason = "no OpenCL GPU or accelerator passed the self-test"
                        + (candidates.isEmpty() ? "" : " (use --device opencl for " + describe(candidates) + ")");
            }
        } catch (DeviceUnavailableException e) {
            openClProblem = e.getMessage();
            autoReason = "OpenCL unavailable: " + e.getMessage();
        }
        return new Survey(probes, openClProblem, autoId, autoReason);
    }

    /** The opened device if it opens and passes the self-test; otherwise null, with the reason added to problems. */
    private static Device tryOpen(OpenClProvider.Candidate candidate, List<String> problems) {
        Device device;
        try {
            device = candidate.open();
        } catch (DeviceUnavailableException | LinkageError e) {
            problems.add(candidate.info().id() + " did not open: " + firstLine(e.getMessage()));
            return null;
        }
        String failure = SelfTest.run(device);
        if (failure == null) {
            return device;
        }
        device.close();
        problems.add(candidate.info().id() + " failed its self-test: " + failure);
        return null;
    }

    private static String describe(List<OpenClProvider.Candidate> candidates) {
        List<String> names = new ArrayList<>();
        candidates.forEach(c -> names.add(c.info().toString()));
        return String.join(", ", names);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no reason given";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl) + " (full log with --verbose)";
    }
}
