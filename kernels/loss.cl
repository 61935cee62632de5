// Fused softmax + cross-entropy on integer labels, and the accuracy metrics that read the same logits.
#include "common.h"

// out[base, base+cols) = softmax(in[base, base+cols)), shifted by the row maximum for stability.
inline void softmax_row(__global float* out, __global const float* in, int base, int cols) {
    float max_value = -INFINITY;
    for (int j = 0; j < cols; j++) max_value = fmax(max_value, in[base + j]);
    float sum = 0.0f;
    for (int j = 0; j < cols; j++) {
        float e = exp(in[base + j] - max_value);
        out[base + j] = e;
        sum += e;
    }
    float inv = 1.0f / sum;
    for (int j = 0; j < cols; j++) out[base + j] *= inv;
}

// One work-item per row: probs = softmax(logits[row]); row_loss = -log(max(p[label], 1e-12)).
// The mean over rows is taken by reduce.cl, so the result is deterministic.
__kernel void softmax_xent_forward(__global float* row_loss, __global float* probs, __global const float* logits,
                                   __global const float* labels, int rows, int classes) {
    int r = get_global_id(0);
    if (r >= rows) return;
    int base = r * classes;
    softmax_row(probs, logits, base, classes);
    int label = label_of(labels[r], classes);
    row_loss[r] = label < 0 ? NAN : -log(fmax(probs[base + label], 1e-12f));
}

// d_logits = scale * (probs - onehot(label)) / rows; one work-item per element.
__kernel void softmax_xent_backward(__global float* d_logits, __global const float* probs, __global const float* labels,
                                    int rows, int classes, float scale_over_rows) {
    int i = get_global_id(0);
    if (i >= rows * classes) return;
    int r = i / classes, j = i % classes;
    float target = label_of(labels[r], classes) == j ? 1.0f : 0.0f;
    d_logits[i] = scale_over_rows * (probs[i] - target);
}

inline int row_argmax(__global const float* x, int base, int cols) {
    int best = 0;
    for (int j = 1; j < cols; j++) {
        if (x[base + j] > x[base + best]) best = j;
    }
    return best;
}

__kernel void argmax_rows(__global float* out, __global const float* x, int rows, int cols) {
    int r = get_global_id(0);
    if (r >= rows) return;
    out[r] = (float) row_argmax(x, r * cols, cols);
}

// hit[r] = 1 when row r's argmax equals its label; reduce.cl sums the hits.
__kernel void correct_rows(__global float* hit, __global const float* logits, __global const float* labels, int rows,
                           int classes) {
    int r = get_global_id(0);
    if (r >= rows) return;
    hit[r] = row_argmax(logits, r * classes, classes) == label_of(labels[r], classes) ? 1.0f : 0.0f;
}

// Row-wise softmax; one work-item per row.
__kernel void softmax_forward(__global float* out, __global const float* in, int rows, int cols) {
    int r = get_global_id(0);
    if (r >= rows) return;
    softmax_row(out, in, r * cols, cols);
}

// d_in = out * (d_out - sum_j d_out[j] * out[j]); one work-item per row.
__kernel void softmax_backward(__global float* d_in, __global const float* d_out, __global const float* out, int rows, int cols) {
    int r = get_global_id(0);
    if (r >= rows) return;
    int base = r * cols;
    float dot = 0.0f;
    for (int j = 0; j < cols; j++) dot += d_out[base + j] * out[base + j];
    for (int j = 0; j < cols; j++) d_in[base + j] = out[base + j] * (d_out[base + j] - dot);
}

#ifdef LOSS
// Elementwise losses, specialised with -DLOSS=<id> in io.clnet.device.PointwiseLoss's order. Each work-item
// writes its element's loss (reduce.cl takes the mean) and d mean / d pred.
#define LOSS_MSE 0
#define LOSS_MAE 1
#define LOSS_HUBER 2
#define LOSS_HINGE 3
#define LOSS_BCE 4
#define BCE_EPS 1e-7f

__kernel void pointwise_loss(__global float* element_loss, __global float* grad, __global const float* pred,
                             __global const float* target, float delta, float inv_length, int length) {
    int i = get_global_id(0);
    if (i >= length) return;
    float p = pred[i], t = target[i], d = p - t, value, g;
#if LOSS == LOSS_MSE
    value = d * d;
    g = 2.0f * d;
#elif LOSS == LOSS_MAE
    value = fabs(d);
    g = d > 0.0f ? 1.0f : (d < 0.0f ? -1.0f : 0.0f);
#elif LOSS == LOSS_HUBER
    float a = fabs(d);
    value = a <= delta ? 0.5f * d * d : delta * (a - 0.5f * delta);
    g = a <= delta ? d : (d > 0.0f ? delta : -delta);
#elif LOSS == LOSS_HINGE
    float margin = 1.0f - t * p;
    value = fmax(0.0f, margin);
    g = margin > 0.0f ? -t : 0.0f;
#elif LOSS == LOSS_BCE
    float q = fmin(fmax(p, BCE_EPS), 1.0f - BCE_EPS);
    value = -(t * log(q) + (1.0f - t) * log(1.0f - q));
    g = (q - t) / (q * (1.0f - q));
#else
#error "unknown LOSS"
#endif
    element_loss[i] = value;
    grad[i] = g * inv_length;
}
#endif
