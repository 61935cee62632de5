package io.clnet.device;

import java.util.Arrays;

/**
 * Time and calls per {@link OpKind} on one device. Off by default; when off every method returns at once
 * and nothing is allocated. The CPU backend times each op with the wall clock (its ops are synchronous);
 * the OpenCL backend reads each command's start and end from event profiling, so queued work is counted
 * when it runs on the device, not when it was enqueued.
 */
public final class Profiler {
    private static final OpKind[] KINDS = OpKind.values();

    private final long[] nanos = new long[KINDS.length];
    private final long[] calls = new long[KINDS.length];
    private boolean enabled;
    private OpKind scope;

    public boolean enabled() {
        return enabled;
    }

    /** Starts (or stops) counting; counts already made are kept until {@link #reset}. */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public void reset() {
        Arrays.fill(nanos, 0);
        Arrays.fill(calls, 0);
    }

    /**
     * Counts GEMM and bias work as convolution phase {@code phase} until the returned scope is closed.
     * Use with try-with-resources; costs nothing when profiling is off.
     */
    public Scope scope(OpKind phase) {
        if (!phase.isConvPhase()) {
            throw new IllegalArgumentException(phase + " is not a convolution phase");
        }
        if (!enabled) {
            return Scope.NONE;
        }
        OpKind outer = scope;
        scope = phase;
        return () -> scope = outer;
    }

    /** The kind an op of {@code kind} is counted as right now. */
    public OpKind classify(OpKind kind) {
        return scope != null && kind.absorbedByConvScope() ? scope : kind;
    }

    /** Adds one op of {@code kind} (already classified) that took {@code elapsedNanos}. */
    public void add(OpKind kind, long elapsedNanos) {
        nanos[kind.ordinal()] += elapsedNanos;
        calls[kind.ordinal()]++;
    }

    public long nanos(OpKind kind) {
        return nanos[kind.ordinal()];
    }

    public long calls(OpKind kind) {
        return calls[kind.ordinal()];
    }

    public long totalNanos() {
        return Arrays.stream(nanos).sum();
    }

    /** Closes a scope; never throws. */
    public interface Scope extends AutoCloseable {
        Scope NONE = () -> {
        };

        @Override
        void close();
    }
}
