package io.clnet.device.cpu;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The threads that run {@link Parallel#forRange}'s chunks: the calling thread and {@code size} daemon workers,
 * one loop at a time. Chunks are handed out from a counter, so whoever is free takes the next one, and the
 * caller runs chunks too instead of waiting. A training step runs a few dozen short loops with a little host
 * code between them, so an idle worker spins for {@link #SPIN_NANOS} before it parks: waking a parked thread
 * costs more than many of those loops' chunks. (Parallel streams on the common pool left the calling thread
 * waiting for about a quarter of simple's step; see {@code Parallel}.)
 */
final class Crew {
    /** How long an idle worker watches for the next loop before it parks. */
    private static final long SPIN_NANOS = 100_000;

    /** One loop: chunk c covers {@code [n * c / chunks, n * (c + 1) / chunks)}. */
    private static final class Loop {
        final Parallel.Range body;
        final int n, chunks;
        final AtomicInteger next = new AtomicInteger(), unfinished;
        volatile Throwable failure;

        Loop(Parallel.Range body, int n, int chunks) {
            this.body = body;
            this.n = n;
            this.chunks = chunks;
            this.unfinished = new AtomicInteger(chunks);
        }

        /** Runs chunks until none is left to take. */
        void work() {
            for (int c; (c = next.getAndIncrement()) < chunks; ) {
                try {
                    if (failure == null) {
                        body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks));
                    }
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    unfinished.decrementAndGet();
                }
            }
        }
    }

    private final Thread[] workers;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile Loop loop;
    /** Set by a worker just before it parks, so that the next loop unparks only workers that sleep. */
    private final AtomicInteger sleepers = new AtomicInteger();

    Crew(int size) {
        workers = new Thread[size];
        for (int i = 0; i < size; i++) {
            workers[i] = new Thread(this::serve, "clnet-cpu-" + (i + 1));
            workers[i].setDaemon(true);
            workers[i].start();
        }
    }

    /**
     * Runs {@code body} over {@code chunks} chunks of {@code [0, n)} on the crew and the calling thread, and
     * returns true; returns false at once, running nothing, when the crew is on another loop (a loop inside a
     * chunk, or a second thread): the caller then runs the loop itself.
     */
    boolean run(int n, int chunks, Parallel.Range body) {
        if (!busy.compareAndSet(false, true)) {
            return false;
        }
        try {
            Loop current = new Loop(body, n, chunks);
            loop = current;
            if (sleepers.get() > 0) {
                for (Thread w : workers) {
                    LockSupport.unpark(w);
                }
            }
            current.work();
            while (current.unfinished.get() > 0) {
                Thread.onSpinWait();
            }
            Throwable failure = current.failure;
            if (failure instanceof RuntimeException) {
                throw (RuntimeException) failure;
            } else if (failure instanceof Error) {
                throw (Error) failure;
            } else if (failure != null) {
                throw new IllegalStateException(failure);
            }
            return true;
        } finally {
            loop = null;
            busy.set(false);
        }
    }

    private void serve() {
        Loop seen = null;
        long idleSince = System.nanoTime();
        while (true) {
            Loop current = loop;
            if (current != null && current != seen) {
                seen = current;
                current.work();
                idleSince = System.nanoTime();
            } else if (System.nanoTime() - idleSince < SPIN_NANOS) {
                Thread.onSpinWait();
            } else {
                sleepers.incrementAndGet();
                // Re-read after announcing the sleep: a loop published before the announcement is seen here,
                // one published after it finds sleepers > 0 and unparks this thread.
                current = loop;
                if (current == null || current == seen) {
                    LockSupport.park(this);
                }
                sleepers.decrementAndGet();
                idleSince = System.nanoTime();
            }
        }
    }
}
