package io.clnet.device;

/**
 * Elementwise losses between a prediction {@code p} and a target {@code t}, averaged over elements by
 * {@link Device#pointwiseLoss}. {@code delta} is Huber's threshold; the others ignore it.
 */
public enum PointwiseLoss {
    /** {@code (p - t)^2} */
    MSE,
    /** {@code |p - t|} (gradient 0 at p == t) */
    MAE,
    /** {@code 0.5 d^2} where {@code |d| <= delta}, else {@code delta (|d| - 0.5 delta)}, with {@code d = p - t} */
    HUBER,
    /** {@code max(0, 1 - t p)} for targets {@code t} in {-1, +1} */
    HINGE,
    /** binary cross-entropy on a probability: {@code -(t log p + (1 - t) log(1 - p))}, p clamped to [1e-7, 1 - 1e-7] */
    BCE;

    static final float BCE_EPS = 1e-7f;

    /** The loss of one element. */
    public float value(float p, float t, float delta) {
        float d = p - t;
        switch (this) {
            case MSE: return d * d;
            case MAE: return Math.abs(d);
            case HUBER: return Math.abs(d) <= delta ? 0.5f * d * d : delta * (Math.abs(d) - 0.5f * delta);
            case HINGE: return Math.max(0f, 1f - t * p);
            case BCE: {
                float q = Math.min(Math.max(p, BCE_EPS), 1f - BCE_EPS);
                return -(t * (float) Math.log(q) + (1f - t) * (float) Math.log(1f - q));
            }
            default: throw new AssertionError(this);
        }
    }

    /** d value / d p. */
    public float gradient(float p, float t, float delta) {
        float d = p - t;
        switch (this) {
            case MSE: return 2f * d;
            case MAE: return Math.signum(d);
            case HUBER: return Math.abs(d) <= delta ? d : delta * Math.signum(d);
            case HINGE: return 1f - t * p > 0f ? -t : 0f;
            case BCE: {
                float q = Math.min(Math.max(p, BCE_EPS), 1f - BCE_EPS);
                return (q - t) / (q * (1f - q));
            }
            default: throw new AssertionError(this);
        }
    }
}
