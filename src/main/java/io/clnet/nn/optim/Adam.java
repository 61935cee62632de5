package io.clnet.nn.optim;

import io.clnet.nn.Tensor;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Adam with bias correction and L2 weight decay; the math is on {@code Device#adamUpdate}. */
public final class Adam implements Optimizer {
    private final float lr, beta1, beta2, eps, weightDecay;
    private final StateBuffers m = new StateBuffers("m"), v = new StateBuffers("v");
    private int t;

    public Adam(float lr, float beta1, float beta2, float eps, float weightDecay) {
        if (!(lr > 0) || beta1 < 0 || beta1 >= 1 || beta2 < 0 || beta2 >= 1 || !(eps > 0) || weightDecay < 0) {
            throw new IllegalArgumentException("adam: need lr > 0, 0 <= beta < 1, eps > 0, weight decay >= 0");
        }
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    public Adam(float lr) {
        this(lr, 0.9f, 0.999f, 1e-8f, 0f);
    }

    @Override
    public void step(List<Tensor> params) {
        t++;
        for (Tensor p : params) {
            if (p.grad() != null) {
                p.device().adamUpdate(p.data(), m.of(p), v.of(p), p.grad(), p.length(), lr, beta1, beta2, eps, weightDecay, t);
            }
        }
    }

    @Override
    public Map<String, float[]> saveState(List<Tensor> params) {
        Map<String, float[]> state = new HashMap<>();
        m.save(params, state);
        v.save(params, state);
        state.put("step", new float[] {t});
        return state;
    }

    @Override
    public void loadState(List<Tensor> params, Map<String, float[]> state) {
        m.load(params, state);
        v.load(params, state);
        t = (int) state.getOrDefault("step", new float[] {0})[0];
    }

    @Override
    public String describe() {
        return "adam lr=" + lr + " beta1=" + beta1 + " beta2=" + beta2 + " eps=" + eps + " weight_decay=" + weightDecay;
    }

    @Override
    public void release() {
        m.release();
        v.release();
    }
}
