package io.clnet.train;

import io.clnet.device.Device;
import io.clnet.device.OpKind;
import io.clnet.device.Profiler;

import java.util.Locale;

/**
 * {@code --profile}: times training steps per op kind on one device. The first {@code warmupSteps} steps
 * (JIT, first-use kernel builds) are not counted; evaluation between epochs is not counted either.
 * The table shows, per op kind, calls and device milliseconds per step; the last lines compare their sum
 * with the wall time per step, the difference being host-side work (autodiff bookkeeping, launches,
 * waiting for data) that no device op accounts for.
 */
public final class StepProfile {
    private final Device device;
    private final int warmupSteps;
    private int seen, counted;
    private long wallNanos, resumedAt;
    private boolean running;

    public StepProfile(Device device, int warmupSteps) {
        this.device = device;
        this.warmupSteps = warmupSteps;
    }

    /** Called before each training step: starts counting once the warm-up steps are done. */
    void beforeStep() {
        if (!running && seen >= warmupSteps) {
            device.finish();
            if (counted == 0) {
                device.profiler().reset();
            }
            device.profiler().setEnabled(true);
            running = true;
            resumedAt = System.nanoTime();
        }
    }

    void afterStep() {
        seen++;
        if (running) {
            counted++;
        }
    }

    /** Stops counting until the next step (the device's queued work is finished and counted first). */
    void pause() {
        if (running) {
            device.finish();
            wallNanos += System.nanoTime() - resumedAt;
            device.profiler().setEnabled(false);
            running = false;
        }
    }

    public int countedSteps() {
        return counted;
    }

    /** Milliseconds per counted step of op kind {@code kind}. */
    public double msPerStep(OpKind kind) {
        return counted == 0 ? 0 : device.profiler().nanos(kind) / 1e6 / counted;
    }

    public double wallMsPerStep() {
        return counted == 0 ? 0 : wallNanos / 1e6 / counted;
    }

    /** The per-op table described in the class comment. */
    public String table() {
        pause();
        Profiler p = device.profiler();
        if (counted == 0) {
            return "profile: no steps were counted (the run had " + seen + " steps; the first " + warmupSteps + " are warm-up)\n";
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "profile on %s over %d steps (after %d warm-up steps)%n", device.info().id(), counted,
                warmupSteps));
        sb.append(String.format(Locale.ROOT, "  %-24s %10s %10s %7s%n", "op kind", "calls/step", "ms/step", "share"));
        double total = p.totalNanos() / 1e6 / counted;
        for (OpKind kind : OpKind.values()) {
            if (p.calls(kind) == 0) {
                continue;
            }
            double ms = msPerStep(kind);
            sb.append(String.format(Locale.ROOT, "  %-24s %10.1f %10.3f %6.1f%%%n", kind.label(), (double) p.calls(kind) / counted, ms,
                    100 * ms / total));
        }
        double wall = wallMsPerStep();
        sb.append(String.format(Locale.ROOT, "  %-24s %10s %10.3f%n", "device ops, total", "", total));
        sb.append(String.format(Locale.ROOT, "  %-24s %10s %10.3f  (%.3f ms outside device ops)%n", "wall time per step", "", wall,
                Math.max(0, wall - total)));
        return sb.toString();
    }
}
