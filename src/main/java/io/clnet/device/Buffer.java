package io.clnet.device;

/**
 * A float32 array that lives on one {@link Device}. Its contents never cross to the host unless
 * {@link Device#download} is called.
 *
 * <p>Lifecycle: {@code device.allocate(n) -> ops* -> close()}. Closing returns the memory to the
 * device's pool (so a training step that allocates the same shapes every step allocates nothing new);
 * using a closed buffer is an error.
 */
public interface Buffer extends AutoCloseable {

    /** Number of floats. */
    int length();

    /** The device this buffer lives on. */
    Device device();

    /** Returns the buffer to its device's pool. Idempotent. */
    @Override
    void close();
}
