package io.clnet.nn;

import io.clnet.device.Device;

import java.util.List;

/**
 * Something that maps a batch of inputs to outputs with parameters: a {@link Sequential} stack or a
 * {@link GraphModel} DAG. Lifecycle: construct (shapes checked) -> {@link #build} -> {@link #forward}* -> {@link #release}.
 */
public interface Model {

    /** Creates every parameter on {@code device} from {@code seed}; returns this. */
    Model build(Device device, long seed);

    /** {@code x} is {@code [batch, inputShape...]}; {@code training} turns on dropout. */
    Tensor forward(Tensor x, boolean training);

    /** Every parameter, in a fixed order (checkpoints rely on it). */
    List<Tensor> parameters();

    /** One line per layer with its output shape and parameter count. */
    String summary();

    /** The layers in order, e.g. {@code conv2d 1->8 3x3 stride 1 pad 1; relu; ...}: checkpoints compare it. */
    String describe();

    int[] inputShape();

    int[] outputShape();

    Device device();

    /** Forward multiply-adds per example, summed over the layers (see {@link io.clnet.nn.layers.Layer#forwardMultiplyAdds}). */
    long forwardMultiplyAdds();

    /**
     * Training FLOPs per example: forward, backward-data and backward-weights each cost the forward's
     * multiply-adds, at 2 FLOPs each.
     */
    default double trainingFlopsPerExample() {
        return 3.0 * 2.0 * forwardMultiplyAdds();
    }

    default int parameterCount() {
        int n = 0;
        for (Tensor p : parameters()) {
            n += p.length();
        }
        return n;
    }

    /** Frees the parameters. */
    void release();
}
