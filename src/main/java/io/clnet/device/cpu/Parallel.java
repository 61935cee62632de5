package io.clnet.device.cpu;

/** Splits a loop over {@code [0, n)} into contiguous chunks run on {@link CpuThreads#count()} threads. */
final class Parallel {
    static final int THREADS = CpuThreads.count();
    private static final Crew CREW = THREADS > 1 ? new Crew(THREADS - 1) : null;

    interface Range {
        void run(int from, int to);
    }

    private Parallel() {
    }

    /**
     * Runs {@code body} over {@code [0, n)} in chunks of at least {@code grain} items. Each item is handled by
     * exactly one chunk, so results never depend on how many threads ran. A loop started inside another
     * one's chunk (or while another thread's loop runs) runs on its calling thread alone.
     */
    static void forRange(int n, int grain, Range body) {
        long wanted = (n + (long) grain - 1) / Math.max(1, grain);
        int chunks = (int) Math.min(wanted, THREADS * 4L);
        if (chunks <= 1 || CREW == null || !CREW.run(n, chunks, body)) {
            body.run(0, n);
        }
    }
}
