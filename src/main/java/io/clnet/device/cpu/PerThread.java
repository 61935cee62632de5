package io.clnet.device.cpu;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A value per thread, like {@link ThreadLocal}, for the scratch of the {@link Parallel} loops. It was
 * written when those loops ran on the common pool, whose workers on JDK 17 drop their thread-locals after
 * every task, so a thread-local scratch was allocated again (hundreds of KB for the GEMM) on nearly every
 * parallel call. {@link Crew}'s workers live as long as the JVM, but the calling threads need not. Values of
 * threads that have ended are dropped when a new thread asks for its first.
 */
final class PerThread<T> {
    private final Supplier<T> initial;
    private final ConcurrentHashMap<Thread, T> values = new ConcurrentHashMap<>();

    PerThread(Supplier<T> initial) {
        this.initial = initial;
    }

    T get() {
        Thread thread = Thread.currentThread();
        T value = values.get(thread);
        if (value == null) {
            values.keySet().removeIf(t -> !t.isAlive());
            value = initial.get();
            values.put(thread, value);
        }
        return value;
    }
}
