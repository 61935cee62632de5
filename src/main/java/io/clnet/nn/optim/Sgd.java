package io.clnet.nn.optim;

import io.clnet.nn.Tensor;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** SGD with optional momentum, Nesterov momentum and L2 weight decay; the math is on {@code Device#sgdUpdate}. */
public final class Sgd implements Optimizer {
    private final float lr, momentum, weightDecay;
    private final boolean nesterov;
    private final StateBuffers velocity = new StateBuffers("velocity");

    public Sgd(float lr, float momentum, boolean nesterov, float weightDecay) {
        if (!(lr > 0) || momentum < 0 || momentum >= 1 || weightDecay < 0) {
            throw new IllegalArgumentException("sgd: need lr > 0, 0 <= momentum < 1, weight decay >= 0; got lr=" + lr
                    + " momentum=" + momentum + " weight decay=" + weightDecay);
        }
        this.lr = lr;
        this.momentum = momentum;
        this.nesterov = nesterov;
        this.weightDecay = weightDecay;
    }

    public Sgd(float lr) {
        this(lr, 0f, false, 0f);
    }

    @Override
    public void step(List<Tensor> params) {
        for (Tensor p : params) {
            if (p.grad() != null) {
                p.device().sgdUpdate(p.data(), momentum == 0f ? null : velocity.of(p), p.grad(), p.length(), lr, momentum,
                        weightDecay, nesterov);
            }
        }
    }

    @Override
    public Map<String, float[]> saveState(List<Tensor> params) {
        Map<String, float[]> state = new HashMap<>();
        if (momentum != 0f) {
            velocity.save(params, state);
        }
        return state;
    }

    @Override
    public void loadState(List<Tensor> params, Map<String, float[]> state) {
        if (momentum != 0f) {
            velocity.load(params, state);
        }
    }

    @Override
    public String describe() {
        return "sgd lr=" + lr + " momentum=" + momentum + (nesterov ? " nesterov" : "") + " weight_decay=" + weightDecay;
    }

    @Override
    public void release() {
        velocity.release();
    }
}
