package io.clnet.device;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Free lists of backend memory by exact length. A training step asks for the same lengths every step, so
 * after the first step every request is a hit and the backend allocates nothing.
 *
 * @param <M> the backend's memory handle ({@code float[]}, {@code cl_mem})
 */
public final class BufferPool<M> {

    /** How a backend really allocates and frees. */
    public interface Allocator<M> {
        M allocate(int length);

        void free(M memory);
    }

    private final Allocator<M> allocator;
    private final Map<Integer, ArrayDeque<M>> free = new HashMap<>();
    private int live;
    private long allocations;

    public BufferPool(Allocator<M> allocator) {
        this.allocator = allocator;
    }

    public synchronized M take(int length) {
        ArrayDeque<M> list = free.get(length);
        M memory = list == null ? null : list.poll();
        if (memory == null) {
            memory = allocator.allocate(length);
            allocations++;
        }
        live++;
        return memory;
    }

    public synchronized void give(int length, M memory) {
        live--;
        free.computeIfAbsent(length, k -> new ArrayDeque<>()).push(memory);
    }

    public synchronized int live() {
        return live;
    }

    public synchronized long allocations() {
        return allocations;
    }

    /** Frees every pooled block (not the live ones, which their owners still hold). */
    public synchronized void clear() {
        for (ArrayDeque<M> list : free.values()) {
            for (M memory : list) {
                allocator.free(memory);
            }
        }
        free.clear();
    }
}
