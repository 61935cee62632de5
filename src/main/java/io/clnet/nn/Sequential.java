package io.clnet.nn;

import io.clnet.device.Device;
import io.clnet.nn.layers.ActivationLayer;
import io.clnet.nn.layers.Conv2d;
import io.clnet.nn.layers.Layer;
import io.clnet.nn.layers.Pool2d;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A stack of layers. Shapes are checked when the model is made: a layer that does not fit fails then,
 * naming the layer, its position and both shapes. Lifecycle: {@code new Sequential(...) -> build(device, seed)
 * -> forward* -> release()}.
 */
public final class Sequential implements Model {
    private final int[] inputShape;
    private final List<Layer> layers;
    private final List<int[]> outputShapes = new ArrayList<>();
    private Device device;

    /** @param inputShape one example's shape, e.g. {@code [28, 28, 1]} */
    public Sequential(int[] inputShape, Layer... layers) {
        this.inputShape = inputShape.clone();
        this.layers = List.of(layers);
        int[] shape = inputShape;
        for (int i = 0; i < layers.length; i++) {
            try {
                shape = layers[i].outputShape(shape);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("layer " + (i + 1) + " (" + layers[i].describe() + ") does not fit: " + e.getMessage(), e);
            }
            outputShapes.add(shape);
        }
    }

    /** Creates every parameter on {@code device}, drawn from {@code seed} in layer order (the same on every device). */
    @Override
    public Sequential build(Device device, long seed) {
        if (this.device != null) {
            throw new IllegalStateException("this model is already built on " + this.device.info().id());
        }
        this.device = device;
        Random random = new Random(seed);
        int[] shape = inputShape;
        for (int i = 0; i < layers.size(); i++) {
            layers.get(i).build(device, shape, random);
            shape = outputShapes.get(i);
        }
        return this;
    }

    /**
     * Runs the layers in order, with two rewrites that change no number:
     * <ul>
     *   <li>ReLU followed by max pooling runs as pooling, then ReLU: max and ReLU commute, so the output is the
     *       same bit for bit, and ReLU then touches a quarter as much memory (for 2x2 pools). The gradients are
     *       the same too: where a window's maximum is positive both route it to the first maximum, and where
     *       it is not, ReLU's zero derivative stops it either way.</li>
     *   <li>A convolution followed by max pooling (after the first rewrite) runs as one op,
     *       {@link Pool2d#forwardAfter}, whose backward can skip writing out the convolution's gradient.</li>
     * </ul>
     */
    @Override
    public Tensor forward(Tensor x, boolean training) {
        if (device == null) {
            throw new IllegalStateException("build(device, seed) the model before forward");
        }
        int[] expected = x.shape();
        if (expected.length != inputShape.length + 1 || !Arrays.equals(Arrays.copyOfRange(expected, 1, expected.length), inputShape)) {
            throw new IllegalArgumentException("model expects [batch, " + Arrays.toString(inputShape).replace("[", "") + ", got "
                    + Arrays.toString(expected));
        }
        Tensor h = x;
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            if (layer instanceof Conv2d && maxPoolAt(i + 1)) {
                h = ((Pool2d) layers.get(i + 1)).forwardAfter((Conv2d) layer, h);
                i++;
            } else if (layer instanceof Conv2d && reluAt(i + 1) && maxPoolAt(i + 2)) {
                h = layers.get(i + 1).forward(((Pool2d) layers.get(i + 2)).forwardAfter((Conv2d) layer, h), training);
                i += 2;
            } else if (reluAt(i) && maxPoolAt(i + 1)) {
                h = layer.forward(layers.get(i + 1).forward(h, training), training);
                i++;
            } else {
                h = layer.forward(h, training);
            }
        }
        return h;
    }

    private boolean reluAt(int i) {
        return i < layers.size() && layers.get(i) instanceof ActivationLayer && ((ActivationLayer) layers.get(i)).isRelu();
    }

    private boolean maxPoolAt(int i) {
        return i < layers.size() && layers.get(i) instanceof Pool2d && ((Pool2d) layers.get(i)).isMax();
    }

    @Override
    public long forwardMultiplyAdds() {
        long total = 0;
        int[] shape = inputShape;
        for (int i = 0; i < layers.size(); i++) {
            total += layers.get(i).forwardMultiplyAdds(shape);
            shape = outputShapes.get(i);
        }
        return total;
    }

    @Override
    public List<Tensor> parameters() {
        List<Tensor> all = new ArrayList<>();
        layers.forEach(l -> all.addAll(l.parameters()));
        return all;
    }

    @Override
    public String summary() {
        StringBuilder out = new StringBuilder();
        String format = "%-3s %-36s %-16s %10s%n";
        out.append(String.format(format, "#", "layer", "output", "params"));
        out.append(String.format(format, "", "input", Arrays.toString(inputShape), ""));
        long total = 0;
        for (int i = 0; i < layers.size(); i++) {
            long params = 0;
            for (Tensor p : layers.get(i).parameters()) {
                params += p.length();
            }
            total += params;
            out.append(String.format(format, i + 1, layers.get(i).describe(), Arrays.toString(outputShapes.get(i)), params));
        }
        out.append(String.format("total parameters: %d%n", total));
        return out.toString();
    }

    public List<Layer> layers() {
        return layers;
    }

    @Override
    public String describe() {
        StringBuilder out = new StringBuilder();
        for (Layer l : layers) {
            out.append(out.length() == 0 ? "" : "; ").append(l.describe());
        }
        return out.toString();
    }

    @Override
    public int[] inputShape() {
        return inputShape.clone();
    }

    @Override
    public int[] outputShape() {
        return outputShapes.get(outputShapes.size() - 1).clone();
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public void release() {
        layers.forEach(Layer::release);
    }
}
