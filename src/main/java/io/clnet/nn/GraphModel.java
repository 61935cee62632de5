package io.clnet.nn;

import io.clnet.device.Device;
import io.clnet.nn.layers.Layer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A model whose layers form a DAG: branches, residual additions and channel concatenations. Built with
 * {@link Builder}; every node's shape is checked when it is added, so a layer that does not fit fails
 * there, naming the layer and both shapes. Backward needs nothing extra: the ops record it.
 *
 * <pre>{@code
 * GraphModel.Builder g = new GraphModel.Builder(new int[] {28, 28, 1});
 * GraphModel.Node x = g.input();
 * GraphModel.Node a = g.apply(new Conv2d(1, 8, 3, 1, 1), x);
 * GraphModel.Node b = g.apply(new Conv2d(1, 8, 1, 1, 0), x);
 * GraphModel.Node sum = g.add(g.apply(ActivationLayer.relu(), a), b);
 * GraphModel model = g.output(g.apply(new Dense(28 * 28 * 8, 10), g.apply(new Flatten(), sum)));
 * }</pre>
 */
public final class GraphModel implements Model {

    /** A value in the graph: the input, a layer applied to a node, or a join of nodes. */
    public static final class Node {
        private final int index;
        private final int[] shape;
        private final Layer layer;
        private final String join;
        private final Node[] inputs;

        private Node(int index, int[] shape, Layer layer, String join, Node... inputs) {
            this.index = index;
            this.shape = shape;
            this.layer = layer;
            this.join = join;
            this.inputs = inputs;
        }

        /** Per-example shape. */
        public int[] shape() {
            return shape.clone();
        }

        private String describe() {
            return layer != null ? layer.describe() : join;
        }
    }

    /** Adds nodes in order; each refers only to earlier ones, so the order is already topological. */
    public static final class Builder {
        private final List<Node> nodes = new ArrayList<>();

        public Builder(int[] inputShape) {
            nodes.add(new Node(0, inputShape.clone(), null, "input"));
        }

        public Node input() {
            return nodes.get(0);
        }

        public Node apply(Layer layer, Node in) {
            int[] shape;
            try {
                shape = layer.outputShape(in.shape);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("node " + nodes.size() + " (" + layer.describe() + ") does not fit: " + e.getMessage(), e);
            }
            return add(new Node(nodes.size(), shape, layer, null, in));
        }

        /** Elementwise sum of nodes of one shape (a residual connection). */
        public Node add(Node a, Node b) {
            if (!Arrays.equals(a.shape, b.shape)) {
                throw new IllegalArgumentException("node " + nodes.size() + " (add) needs equal shapes, got " + Arrays.toString(a.shape)
                        + " and " + Arrays.toString(b.shape));
            }
            return add(new Node(nodes.size(), a.shape, null, "add", a, b));
        }

        /** Concatenation along the last (channel) axis; the other axes must agree. */
        public Node concat(Node... parts) {
            int[] shape = parts[0].shape.clone();
            int channels = 0;
            for (Node p : parts) {
                if (p.shape.length != shape.length
                        || !Arrays.equals(Arrays.copyOf(p.shape, p.shape.length - 1), Arrays.copyOf(shape, shape.length - 1))) {
                    throw new IllegalArgumentException("node " + nodes.size() + " (concat) needs equal shapes outside the channel axis, got "
                            + Arrays.toString(p.shape) + " and " + Arrays.toString(parts[0].shape));
                }
                channels += p.shape[p.shape.length - 1];
            }
            shape[shape.length - 1] = channels;
            return add(new Node(nodes.size(), shape, null, "concat", parts));
        }

        public GraphModel output(Node out) {
            return new GraphModel(new ArrayList<>(nodes.subList(0, out.index + 1)), out);
        }

        private Node add(Node node) {
            nodes.add(node);
            return node;
        }
    }

    private final List<Node> nodes;
    private final Node output;
    private Device device;

    private GraphModel(List<Node> nodes, Node output) {
        this.nodes = nodes;
        this.output = output;
    }

    @Override
    public GraphModel build(Device device, long seed) {
        if (this.device != null) {
            throw new IllegalStateException("this model is already built on " + this.device.info().id());
        }
        this.device = device;
        Random random = new Random(seed);
        for (Node n : nodes) {
            if (n.layer != null) {
                n.layer.build(device, n.inputs[0].shape, random);
            }
        }
        return this;
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        if (device == null) {
            throw new IllegalStateException("build(device, seed) the model before forward");
        }
        Tensor[] values = new Tensor[nodes.size()];
        values[0] = x;
        for (int i = 1; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (n.layer != null) {
                values[i] = n.layer.forward(values[n.inputs[0].index], training);
            } else if (n.join.equals("add")) {
                values[i] = Pointwise.add(values[n.inputs[0].index], values[n.inputs[1].index]);
            } else {
                Tensor[] parts = new Tensor[n.inputs.length];
                for (int p = 0; p < parts.length; p++) {
                    parts[p] = values[n.inputs[p].index];
                }
                values[i] = Pointwise.concatChannels(parts);
            }
        }
        return values[output.index];
    }

    @Override
    public List<Tensor> parameters() {
        List<Tensor> all = new ArrayList<>();
        for (Node n : nodes) {
            if (n.layer != null) {
                all.addAll(n.layer.parameters());
            }
        }
        return all;
    }

    @Override
    public String summary() {
        StringBuilder out = new StringBuilder();
        String format = "%-3s %-36s %-10s %-16s %10s%n";
        out.append(String.format(format, "#", "node", "inputs", "output", "params"));
        long total = 0;
        for (Node n : nodes) {
            long params = 0;
            if (n.layer != null) {
                for (Tensor p : n.layer.parameters()) {
                    params += p.length();
                }
            }
            total += params;
            StringBuilder inputs = new StringBuilder();
            for (Node in : n.inputs) {
                inputs.append(inputs.length() == 0 ? "" : ",").append(in.index);
            }
            out.append(String.format(format, n.index, n.describe(), inputs, Arrays.toString(n.shape), params));
        }
        out.append(String.format("total parameters: %d%n", total));
        return out.toString();
    }

    @Override
    public long forwardMultiplyAdds() {
        long total = 0;
        for (Node n : nodes) {
            if (n.layer != null) {
                total += n.layer.forwardMultiplyAdds(n.inputs[0].shape);
            }
        }
        return total;
    }

    @Override
    public String describe() {
        StringBuilder out = new StringBuilder();
        for (Node n : nodes.subList(1, nodes.size())) {
            StringBuilder inputs = new StringBuilder();
            for (Node in : n.inputs) {
                inputs.append(inputs.length() == 0 ? "" : ",").append(in.index);
            }
            out.append(out.length() == 0 ? "" : "; ").append(n.describe()).append(" <- ").append(inputs);
        }
        return out.toString();
    }

    @Override
    public int[] inputShape() {
        return nodes.get(0).shape();
    }

    @Override
    public int[] outputShape() {
        return output.shape();
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public void release() {
        for (Node n : nodes) {
            if (n.layer != null) {
                n.layer.release();
            }
        }
    }
}
