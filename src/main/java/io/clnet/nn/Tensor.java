package io.clnet.nn;

import io.clnet.device.Buffer;
import io.clnet.device.Device;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An array on a device with a shape (outermost first; images are {@code [batch, height, width, channels]})
 * and, when it needs one, a gradient of the same shape.
 *
 * <p>Autodiff in the micrograd shape: each op makes its result with the inputs it read and a closure that
 * turns the result's gradient into the inputs' gradients; {@link #backward} sorts the graph topologically
 * and runs the closures in reverse. Gradients that flow to one tensor from several uses add up.
 *
 * <p>Parameters are long-lived tensors without a tape; everything else belongs to a {@link Tape}.
 */
public final class Tensor {
    /** Turns this result's gradient into its inputs' gradients. */
    interface Backward {
        void run();
    }

    private final Tape tape;
    private final Device device;
    private final int[] shape;
    private final int length;
    private final boolean requiresGrad;
    private final Tensor[] inputs;
    private final Tensor viewOf;
    private Buffer data;
    private Buffer grad;
    private Backward backward;
    private String name;
    private boolean backwardRoot;

    Tensor(Tape tape, Device device, int[] shape, boolean requiresGrad, Tensor viewOf, Tensor... inputs) {
        this.tape = tape;
        this.device = device;
        this.shape = shape.clone();
        long n = 1;
        for (int d : shape) {
            if (d < 1) {
                throw new IllegalArgumentException("tensor shape " + Arrays.toString(shape) + " has a non-positive dimension");
            }
            n *= d;
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor shape " + Arrays.toString(shape) + " is too large");
        }
        this.length = (int) n;
        this.requiresGrad = requiresGrad;
        this.inputs = inputs;
        this.viewOf = viewOf;
        this.data = viewOf != null ? viewOf.data : device.allocate(length);
    }

    /** A parameter: owns its data, needs a gradient, lives until {@link #release}. */
    public static Tensor parameter(Device device, String name, float[] values, int... shape) {
        Tensor t = new Tensor(null, device, shape, true, null);
        t.name = name;
        device.upload(t.data, 0, values, 0, t.length);
        return t;
    }

    /** The result of an op on {@code inputs}: needs a gradient when any input does. */
    static Tensor result(int[] shape, Tensor... inputs) {
        Tensor first = inputs[0];
        Tape tape = null;
        boolean grad = false;
        for (Tensor in : inputs) {
            tape = tape != null ? tape : in.tape;
            grad |= in.requiresGrad;
        }
        if (tape == null) {
            throw new IllegalStateException("an op on parameters alone has no tape to own its result; pass an input from a Tape");
        }
        return tape.track(new Tensor(tape, first.device, shape, grad, null, inputs));
    }

    /** The same data with another shape of the same length (no copy); gradients pass straight through. */
    public Tensor reshape(int... newShape) {
        Tensor view = new Tensor(tape, device, newShape, requiresGrad, this, this);
        if (view.length != length) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(shape) + " to " + Arrays.toString(newShape));
        }
        if (tape != null) {
            tape.track(view);
        }
        view.onBackward(() -> accumulate(view.grad, false));
        return view;
    }

    void onBackward(Backward b) {
        if (requiresGrad) {
            this.backward = b;
        }
    }

    /** Runs backward from this scalar (length-1) tensor with {@code d this = 1}. */
    public void backward() {
        if (length != 1) {
            throw new IllegalStateException("backward() starts from a scalar loss, not a tensor of shape " + Arrays.toString(shape));
        }
        if (!requiresGrad) {
            throw new IllegalStateException("this loss does not depend on any parameter");
        }
        Buffer one = device.allocate(1);
        device.fill(one, 1f, 1);
        accumulate(one, true);
        backwardRoot = true;
        List<Tensor> order = topologicalOrder();
        for (int i = order.size() - 1; i >= 0; i--) {
            Tensor t = order.get(i);
            if (t.backward != null && t.grad != null) {
                t.backward.run();
            }
        }
    }

    private List<Tensor> topologicalOrder() {
        List<Tensor> order = new ArrayList<>();
        Set<Tensor> visited = new HashSet<>();
        // iterative post-order DFS: deep graphs must not overflow the Java stack
        Deque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {this, 0});
        visited.add(this);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Tensor t = (Tensor) frame[0];
            int next = (Integer) frame[1];
            if (next < t.inputs.length) {
                frame[1] = next + 1;
                Tensor in = t.inputs[next];
                if (in.requiresGrad && visited.add(in)) {
                    stack.push(new Object[] {in, 0});
                }
            } else {
                stack.pop();
                order.add(t);
            }
        }
        return order;
    }

    /**
     * Adds {@code g} to this tensor's gradient. With {@code adopt}, {@code g} was made for this purpose and
     * becomes the gradient when there is none yet (no copy); it is closed once added otherwise.
     */
    void accumulate(Buffer g, boolean adopt) {
        if (!requiresGrad) {
            if (adopt) {
                g.close();
            }
            return;
        }
        if (grad == null) {
            if (adopt) {
                grad = g;
            } else {
                grad = device.allocate(length);
                device.copy(grad, 0, g, 0, length);
            }
            return;
        }
        device.axpy(grad, 1f, g, length);
        if (adopt) {
            g.close();
        }
    }

    /** A buffer for a gradient flowing into this tensor, or null when it needs none (so the op skips that work). */
    Buffer newGradient() {
        return requiresGrad ? device.allocate(length) : null;
    }

    /** Frees the gradient (after an optimizer step) and keeps the data. */
    public void clearGrad() {
        if (grad != null) {
            grad.close();
            grad = null;
        }
    }

    /** Frees data (unless this is a view) and gradient. */
    public void release() {
        clearGrad();
        if (data != null && viewOf == null) {
            data.close();
        }
        data = null;
    }

    public float[] toHost() {
        float[] out = new float[length];
        device.download(out, 0, data, 0, length);
        return out;
    }

    public float[] gradToHost() {
        if (grad == null) {
            return null;
        }
        float[] out = new float[length];
        device.download(out, 0, grad, 0, length);
        return out;
    }

    /** Overwrites the values from the host (loading a checkpoint, tests). */
    public void load(float[] values) {
        if (values.length != length) {
            throw new IllegalArgumentException((name != null ? name : "tensor") + ": " + values.length + " values for shape "
                    + Arrays.toString(shape));
        }
        device.upload(data, 0, values, 0, length);
    }

    public Buffer data() {
        return data;
    }

    public Buffer grad() {
        return grad;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int dim(int i) {
        return shape[i < 0 ? shape.length + i : i];
    }

    public int rank() {
        return shape.length;
    }

    public int length() {
        return length;
    }

    public Device device() {
        return device;
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    public String name() {
        return name;
    }

    /** True for the tensor {@link #backward} started from: its gradient is exactly 1. */
    boolean isBackwardRoot() {
        return backwardRoot;
    }

    Tape tape() {
        return tape;
    }

    @Override
    public String toString() {
        return (name != null ? name : "tensor") + Arrays.toString(shape);
    }
}
