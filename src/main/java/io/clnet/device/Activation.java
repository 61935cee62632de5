package io.clnet.device;

/**
 * Pointwise activations. {@code alpha} is the slope of LeakyReLU, the scale of ELU's negative branch and
 * the beta of Swish; the others ignore it. The scalar methods here are the CPU backend's math; the OpenCL
 * kernels in {@code kernels/activation.cl} implement the same formulas.
 */
public enum Activation {
    /** max(0, x) */
    RELU,
    /** x if x > 0 else alpha*x */
    LEAKY_RELU,
    /** 1 / (1 + e^-x) */
    SIGMOID,
    /** tanh(x) */
    TANH,
    /** x if x > 0 else alpha*(e^x - 1) */
    ELU,
    /** tanh approximation: 0.5x(1 + tanh(sqrt(2/pi)(x + 0.044715x^3))) */
    GELU,
    /** x * sigmoid(alpha*x) */
    SWISH;

    static final float GELU_C = 0.7978845608028654f; // sqrt(2/pi)
    static final float GELU_K = 0.044715f;

    public float forward(float x, float alpha) {
        switch (this) {
            case RELU: return x > 0 ? x : 0f;
            case LEAKY_RELU: return x > 0 ? x : alpha * x;
            case SIGMOID: return sigmoid(x);
            case TANH: return (float) Math.tanh(x);
            case ELU: return x > 0 ? x : alpha * (float) Math.expm1(x);
            case GELU: return 0.5f * x * (1f + (float) Math.tanh(GELU_C * (x + GELU_K * x * x * x)));
            case SWISH: return x * sigmoid(alpha * x);
            default: throw new AssertionError(this);
        }
    }

    /** d forward(x) / dx. */
    public float derivative(float x, float alpha) {
        switch (this) {
            case RELU: return x > 0 ? 1f : 0f;
            case LEAKY_RELU: return x > 0 ? 1f : alpha;
            case SIGMOID: {
                float s = sigmoid(x);
                return s * (1f - s);
            }
            case TANH: {
                float t = (float) Math.tanh(x);
                return 1f - t * t;
            }
            case ELU: return x > 0 ? 1f : alpha * (float) Math.exp(x);
            case GELU: {
                float t = (float) Math.tanh(GELU_C * (x + GELU_K * x * x * x));
                return 0.5f * (1f + t) + 0.5f * x * (1f - t * t) * GELU_C * (1f + 3f * GELU_K * x * x);
            }
            case SWISH: {
                float s = sigmoid(alpha * x);
                return s + alpha * x * s * (1f - s);
            }
            default: throw new AssertionError(this);
        }
    }

    private static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }
}
