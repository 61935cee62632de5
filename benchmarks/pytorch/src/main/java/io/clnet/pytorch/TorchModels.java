package io.clnet.pytorch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import io.clnet.nn.Sequential;
import io.clnet.nn.layers.Flatten;
import io.clnet.nn.layers.Layer;
import io.clnet.train.Models;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * clnet's built-in models ({@link Models}) written as DJL blocks, and the copy of a clnet model's weights into
 * one, so that both frameworks start from the same parameters. Layouts differ: clnet images are channels-last
 * and its conv weights {@code [out][kh][kw][in]}; PyTorch's are {@code [out][in][kh][kw]}, and the dense layer
 * after a flatten sees {@code [c][h][w]} instead of {@code [h][w][c]}. One-channel inputs are the same bytes in
 * both layouts.
 */
final class TorchModels {
    private TorchModels() {
    }

    /** The DJL block of built-in model {@code name}, layer for layer as in {@link Models#byName}. */
    static Block block(String name) {
        switch (name) {
            case "simple":
                return new SequentialBlock()
                        .add(conv(8, 3, 1)).add(Activation.reluBlock()).add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                        .add(conv(16, 3, 1)).add(Activation.reluBlock()).add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                        .add(Blocks.batchFlattenBlock()).add(Linear.builder().setUnits(10).build());
            case "lenet":
                return new SequentialBlock()
                        .add(conv(32, 5, 2)).add(Activation.reluBlock()).add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                        .add(conv(64, 5, 2)).add(Activation.reluBlock()).add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                        .add(Blocks.batchFlattenBlock())
                        .add(Linear.builder().setUnits(1024).build()).add(Activation.reluBlock())
                        .add(Linear.builder().setUnits(10).build());
            case "mlp":
                return new SequentialBlock()
                        .add(Blocks.batchFlattenBlock())
                        .add(Linear.builder().setUnits(256).build()).add(Activation.reluBlock())
                        .add(Linear.builder().setUnits(128).build()).add(Activation.reluBlock())
                        .add(Linear.builder().setUnits(10).build());
            default:
                throw new IllegalArgumentException("no PyTorch definition of model '" + name + "' (have simple, lenet, mlp)");
        }
    }

    private static Block conv(int filters, int kernel, int pad) {
        return Conv2d.builder().setFilters(filters).setKernelShape(new Shape(kernel, kernel)).optPadding(new Shape(pad, pad)).build();
    }

    /**
     * Copies {@code values} (clnet's parameters, in {@link Sequential#parameters()} order) into {@code block}'s
     * parameters, permuting layouts as the class comment says.
     *
     * @throws IllegalStateException when the two models' parameters do not match in number or size
     */
    static void copyWeights(Sequential model, List<float[]> values, Block block) {
        List<int[]> flattenInputs = flattenInputShapes(model);
        List<Parameter> params = new ArrayList<>();
        block.getParameters().forEach(p -> params.add(p.getValue()));
        if (params.size() != values.size()) {
            throw new IllegalStateException("clnet has " + values.size() + " parameters, the DJL block " + params.size());
        }
        int[] afterFlatten = flattenInputs.isEmpty() ? null : flattenInputs.get(0);
        boolean firstDense = true;
        for (int i = 0; i < params.size(); i++) {
            NDArray array = params.get(i).getArray();
            float[] v = values.get(i);
            long[] shape = array.getShape().getShape();
            if (array.size() != v.length) {
                throw new IllegalStateException("parameter " + i + ": clnet has " + v.length + " values, DJL " + array.getShape());
            }
            float[] torch = v;
            if (shape.length == 4) {
                torch = convToTorch(v, (int) shape[0], (int) shape[1], (int) shape[2], (int) shape[3]);
            } else if (shape.length == 2) {
                if (firstDense && afterFlatten != null && afterFlatten.length == 3) {
                    torch = denseAfterFlattenToTorch(v, (int) shape[0], afterFlatten[0], afterFlatten[1], afterFlatten[2]);
                }
                firstDense = false;
            }
            array.set(FloatBuffer.wrap(torch));
        }
    }

    /** The input shape of every Flatten in the model, in order. */
    private static List<int[]> flattenInputShapes(Sequential model) {
        List<int[]> shapes = new ArrayList<>();
        int[] shape = model.inputShape();
        for (Layer layer : model.layers()) {
            if (layer instanceof Flatten) {
                shapes.add(Arrays.copyOf(shape, shape.length));
            }
            shape = layer.outputShape(shape);
        }
        return shapes;
    }

    /** {@code [out][kh][kw][in]} to {@code [out][in][kh][kw]}. */
    private static float[] convToTorch(float[] w, int out, int in, int kh, int kw) {
        float[] t = new float[w.length];
        for (int o = 0; o < out; o++) {
            for (int y = 0; y < kh; y++) {
                for (int x = 0; x < kw; x++) {
                    for (int c = 0; c < in; c++) {
                        t[((o * in + c) * kh + y) * kw + x] = w[((o * kh + y) * kw + x) * in + c];
                    }
                }
            }
        }
        return t;
    }

    /** A dense layer's {@code [out][(y * w + x) * c + ch]} to {@code [out][(ch * h + y) * w + x]}. */
    private static float[] denseAfterFlattenToTorch(float[] w, int out, int h, int wd, int c) {
        float[] t = new float[w.length];
        int in = h * wd * c;
        for (int o = 0; o < out; o++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < wd; x++) {
                    for (int ch = 0; ch < c; ch++) {
                        t[o * in + (ch * h + y) * wd + x] = w[o * in + (y * wd + x) * c + ch];
                    }
                }
            }
        }
        return t;
    }
}
