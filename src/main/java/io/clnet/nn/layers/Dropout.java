package io.clnet.nn.layers;

import io.clnet.device.Device;
import io.clnet.nn.Pointwise;
import io.clnet.nn.Tensor;

import java.util.Random;

/**
 * Inverted dropout while training (elements zeroed with probability {@code rate}, the rest scaled by
 * {@code 1/(1-rate)}); the identity when evaluating. Each training call draws a fresh mask from a seed
 * taken at build time plus a call counter, so runs repeat exactly.
 */
public final class Dropout implements Layer {
    private final float rate;
    private long seed;
    private long calls;

    public Dropout(float rate) {
        if (!(rate >= 0f && rate < 1f)) {
            throw new IllegalArgumentException("dropout: rate must be in [0, 1), got " + rate);
        }
        this.rate = rate;
    }

    @Override
    public int[] outputShape(int[] input) {
        return input.clone();
    }

    @Override
    public void build(Device device, int[] input, Random random) {
        seed = random.nextLong();
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        if (!training || rate == 0f) {
            return x;
        }
        return Pointwise.dropout(x, rate, seed + 0x9E3779B97F4A7C15L * ++calls);
    }

    @Override
    public String describe() {
        return "dropout(" + rate + ")";
    }
}
