package io.clnet.nn.optim;

import io.clnet.nn.Tensor;

import java.util.List;
import java.util.Map;

/**
 * Updates parameters from their gradients, on the device. Lifecycle: construct with hyper-parameters ->
 * {@code step(params)} after each backward (state buffers are made at the first step and kept) -> {@link #release}.
 */
public interface Optimizer {

    /** One update of every parameter that has a gradient. Gradients are left in place for the caller to clear. */
    void step(List<Tensor> params);

    /** State to checkpoint: named arrays (e.g. {@code velocity.3}) plus {@code step}. */
    Map<String, float[]> saveState(List<Tensor> params);

    /** Restores what {@link #saveState} wrote, for the same parameters. */
    void loadState(List<Tensor> params, Map<String, float[]> state);

    /** Hyper-parameters as {@code name=value} pairs, for checkpoints and logs. */
    String describe();

    void release();
}
