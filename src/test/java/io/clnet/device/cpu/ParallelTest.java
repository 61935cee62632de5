package io.clnet.device.cpu;

import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Parallel#forRange} on its {@link Crew}: every item once, loops inside loops, failures, and both cores at work. */
class ParallelTest {

    @Test
    void everyItemIsVisitedExactlyOnceOverManyLoops() {
        for (int n : new int[] {1, 2, 7, 8, 9, 63, 1000, 4097}) {
            for (int grain : new int[] {1, 3, 100}) {
                for (int round = 0; round < 20; round++) {
                    AtomicIntegerArray visits = new AtomicIntegerArray(n);
                    Parallel.forRange(n, grain, (from, to) -> {
                        for (int i = from; i < to; i++) {
                            visits.incrementAndGet(i);
                        }
                    });
                    for (int i = 0; i < n; i++) {
                        assertEquals(1, visits.get(i), "n=" + n + " grain=" + grain + ": item " + i);
                    }
                }
            }
        }
    }

    @Test
    void aLoopInsideAChunkRunsOnItsThread() {
        int n = 16, inner = 50;
        AtomicIntegerArray visits = new AtomicIntegerArray(n * inner);
        Parallel.forRange(n, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                int row = i;
                Parallel.forRange(inner, 1, (a, b) -> {
                    for (int j = a; j < b; j++) {
                        visits.incrementAndGet(row * inner + j);
                    }
                });
            }
        });
        for (int i = 0; i < n * inner; i++) {
            assertEquals(1, visits.get(i), "item " + i);
        }
    }

    @Test
    void aFailingChunkReachesTheCallerAndTheCrewCarriesOn() {
        IllegalStateException planted = new IllegalStateException("chunk failed");
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> Parallel.forRange(64, 1, (from, to) -> {
            if (from <= 40 && 40 < to) {
                throw planted;
            }
        }));
        assertSame(planted, thrown);
        AtomicIntegerArray visits = new AtomicIntegerArray(64);
        Parallel.forRange(64, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                visits.incrementAndGet(i);
            }
        });
        for (int i = 0; i < 64; i++) {
            assertEquals(1, visits.get(i), "after a failure, item " + i);
        }
    }

    @Test
    void loopsFromTwoThreadsAtOnceBothFinish() throws Exception {
        int n = 5000;
        AtomicIntegerArray first = new AtomicIntegerArray(n), second = new AtomicIntegerArray(n);
        Thread other = new Thread(() -> {
            for (int r = 0; r < 200; r++) {
                Parallel.forRange(n, 1, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        second.incrementAndGet(i);
                    }
                });
            }
        });
        other.start();
        for (int r = 0; r < 200; r++) {
            Parallel.forRange(n, 1, (from, to) -> {
                for (int i = from; i < to; i++) {
                    first.incrementAndGet(i);
                }
            });
        }
        other.join();
        for (int i = 0; i < n; i++) {
            assertEquals(200, first.get(i), "first thread's item " + i);
            assertEquals(200, second.get(i), "second thread's item " + i);
        }
    }

    @Test
    void slowChunksAreSharedByEveryCore() {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        Parallel.forRange(4 * Parallel.THREADS, 1, (from, to) -> {
            threads.add(Thread.currentThread().getName());
            sleep(20);
        });
        assertTrue(threads.size() == Parallel.THREADS, "chunks ran on " + threads + " of "
                + Parallel.THREADS + " cores");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
