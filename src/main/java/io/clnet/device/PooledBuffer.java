package io.clnet.device;

import java.util.function.Supplier;

/** A {@link Buffer} whose memory goes back to its device's {@link BufferPool} on close. */
final class PooledBuffer<M> implements Buffer {
    private final Device device;
    private final BufferPool<M> pool;
    private final int length;
    private M memory;

    PooledBuffer(Device device, BufferPool<M> pool, int length) {
        this.device = device;
        this.pool = pool;
        this.length = length;
        this.memory = pool.take(length);
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public Device device() {
        return device;
    }

    /** The memory; {@code op} describes the op asking, for the error when the buffer was closed. */
    M memory(Supplier<String> op, String name) {
        if (memory == null) {
            throw new IllegalStateException(op.get() + ": buffer '" + name + "' was already closed");
        }
        return memory;
    }

    @Override
    public synchronized void close() {
        if (memory != null) {
            pool.give(length, memory);
            memory = null;
        }
    }

    @Override
    public String toString() {
        return "Buffer[" + length + "] on " + device.info().id();
    }
}
