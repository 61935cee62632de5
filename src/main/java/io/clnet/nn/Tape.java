package io.clnet.nn;

import io.clnet.device.Buffer;
import io.clnet.device.Device;

import java.util.ArrayList;
import java.util.List;

/**
 * Owns everything one forward/backward pass creates: activations, their gradients and the scratch that
 * backward needs. Closing the tape returns all of it to the device's pool, so a training step that repeats
 * the same shapes allocates nothing new. Lifecycle: {@code new Tape(device) -> input(...) -> ops -> backward -> close}.
 */
public final class Tape implements AutoCloseable {
    private final Device device;
    private final List<Tensor> tensors = new ArrayList<>();
    private final List<Buffer> scratch = new ArrayList<>();

    public Tape(Device device) {
        this.device = device;
    }

    public Device device() {
        return device;
    }

    /** A leaf that needs no gradient (a batch of inputs or targets), uploaded from the host. */
    public Tensor input(float[] data, int... shape) {
        Tensor t = track(new Tensor(this, device, shape, false, null));
        device.upload(t.data(), 0, data, 0, t.length());
        return t;
    }

    /** A leaf that needs a gradient (to differentiate with respect to an input), uploaded from the host. */
    public Tensor variable(float[] data, int... shape) {
        Tensor t = track(new Tensor(this, device, shape, true, null));
        device.upload(t.data(), 0, data, 0, t.length());
        return t;
    }

    /** Registers an op's result so the tape closes it. */
    Tensor track(Tensor t) {
        tensors.add(t);
        return t;
    }

    /** A buffer that lives until the tape closes (e.g. im2col columns kept for backward). */
    Buffer scratch(int length) {
        Buffer b = device.allocate(length);
        scratch.add(b);
        return b;
    }

    @Override
    public void close() {
        for (Tensor t : tensors) {
            t.release();
        }
        tensors.clear();
        scratch.forEach(Buffer::close);
        scratch.clear();
    }
}
