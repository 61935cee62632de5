package io.clnet.device.cpu;

import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PerThreadTest {

    @Test
    void eachThreadKeepsItsValueAcrossParallelLoops() {
        AtomicInteger made = new AtomicInteger();
        PerThread<float[]> scratch = new PerThread<>(() -> {
            made.incrementAndGet();
            return new float[16];
        });
        assertSame(scratch.get(), scratch.get());
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        for (int call = 0; call < 200; call++) {
            Parallel.forRange(64, 1, (from, to) -> {
                threads.add(Thread.currentThread());
                scratch.get()[0] += to - from;
                busy();
            });
        }
        // A ThreadLocal made a new one on nearly every call here: JDK 17's common-pool workers drop theirs after each task.
        assertTrue(made.get() <= threads.size() + 1, made.get() + " values made for " + threads.size() + " threads");
    }

    private static void busy() {
        double x = 0;
        for (int i = 0; i < 2000; i++) {
            x += Math.sqrt(i);
        }
        if (x < 0) {
            throw new AssertionError();
        }
    }
}
