package io.clnet.device.cpu;

import java.util.stream.IntStream;

/** Splits a loop over {@code [0, n)} into contiguous chunks run on every core. */
final class Parallel {
    static final int THREADS = Runtime.getRuntime().availableProcessors();

    interface Range {
        void run(int from, int to);
    }

    private Parallel() {
    }

    /**
     * Runs {@code body} over {@code [0, n)} in chunks of at least {@code grain} items. Each item is handled by
     * exactly one chunk, so results never depend on how many threads ran.
     */
    static void forRange(int n, int grain, Range body) {
        long wanted = (n + (long) grain - 1) / Math.max(1, grain);
        int chunks = (int) Math.min(wanted, THREADS * 4L);
        if (chunks <= 1 || THREADS == 1) {
            body.run(0, n);
            return;
        }
        IntStream.range(0, chunks).parallel()
                .forEach(t -> body.run((int) ((long) n * t / chunks), (int) ((long) n * (t + 1) / chunks)));
    }
}
