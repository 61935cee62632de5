package io.clnet.nn.layers;

import io.clnet.device.Window2d;

import java.util.Arrays;

/** Shape checks shared by the layers, with messages that name the layer and both shapes. */
final class Shapes {
    private Shapes() {
    }

    static void requireImage(Layer layer, int[] input) {
        if (input.length != 3) {
            throw new IllegalArgumentException(layer.describe() + ": expects an image [height, width, channels], got "
                    + Arrays.toString(input));
        }
    }

    static void requireChannels(Layer layer, int[] input, int channels) {
        requireImage(layer, input);
        if (input[2] != channels) {
            throw new IllegalArgumentException(layer.describe() + ": expects " + channels + " input channels, got "
                    + Arrays.toString(input));
        }
    }

    /** The sliding window over one example {@code [H, W, C]}: its output size, or an error naming the layer. */
    static Window2d window(Layer layer, int[] input, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW) {
        try {
            return new Window2d(1, input[0], input[1], input[2], kernelH, kernelW, strideH, strideW, padH, padW);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(layer.describe() + ": window does not fit input " + Arrays.toString(input), e);
        }
    }

    static int length(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }
}
