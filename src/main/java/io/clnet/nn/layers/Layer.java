package io.clnet.nn.layers;

import io.clnet.device.Device;
import io.clnet.nn.Tensor;

import java.util.List;
import java.util.Random;

/**
 * One step of a model. Shapes here are per example, without the batch axis: images {@code [H, W, C]}
 * (channels last), vectors {@code [F]}.
 *
 * <p>Lifecycle: construct with its hyper-parameters -> {@link #outputShape} (checks the input fits) ->
 * {@link #build} (parameters created on the device from the seed) -> {@link #forward}* -> {@link #release}.
 */
public interface Layer {

    /** The output shape for {@code input}; throws {@link IllegalArgumentException} naming the layer and both shapes. */
    int[] outputShape(int[] input);

    /**
     * Multiply-adds of one example's forward pass through this layer for {@code input}: what FLOP counts
     * (and so MFU) are made of. Layers whose cost is not a product of weights and inputs count 0.
     */
    default long forwardMultiplyAdds(int[] input) {
        return 0;
    }

    /** Creates the parameters on {@code device}, drawing initial values from {@code random}. */
    default void build(Device device, int[] input, Random random) {
    }

    /** {@code x} has the batch axis first; {@code training} turns on dropout. */
    Tensor forward(Tensor x, boolean training);

    default List<Tensor> parameters() {
        return List.of();
    }

    /** Like {@code conv2d 1->8 3x3 stride 1 pad 1}: what {@code summary()} prints and checkpoints record. */
    String describe();

    /** Frees the parameters. */
    default void release() {
        parameters().forEach(Tensor::release);
    }
}
