package io.clnet.device;

/**
 * The dropout mask as a pure function of (seed, index), so every backend draws the same mask without
 * random state on the device: murmur3's 32-bit finaliser over the index mixed with the seed, in unsigned
 * 32-bit arithmetic (Java {@code int} wraps the same way OpenCL's {@code uint} does). {@code kernels/common.h}
 * holds the same function.
 */
public final class DropoutMask {
    private DropoutMask() {
    }

    /** A uniform number in [0, 1) for element {@code index} under {@code seed}. */
    public static float uniform(long seed, int index) {
        int x = index * 0x9E3779B9 ^ (int) seed;
        x = mix(x);
        x ^= (int) (seed >>> 32);
        x = mix(x);
        return (x >>> 8) * (1f / (1 << 24));
    }

    /** The mask value: 0 for a dropped element, {@code 1/(1-rate)} for a kept one. */
    public static float value(long seed, int index, float rate) {
        return uniform(seed, index) < rate ? 0f : 1f / (1f - rate);
    }

    private static int mix(int x) {
        x ^= x >>> 16;
        x *= 0x85ebca6b;
        x ^= x >>> 13;
        x *= 0xc2b2ae35;
        x ^= x >>> 16;
        return x;
    }
}
