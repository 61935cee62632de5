// Fused softmax + cross-entropy on integer labels, and the accuracy metrics that read the same logits.
#include "common.h"

// One work-item per row: probs = softmax(logits[row]); row_loss = -log(max(p[label], 1e-12)).
// The mean over rows is taken by reduce.cl, so the result is deterministic.
__kernel void softmax_xent_forward(__global float* row_loss, __global float* probs, __global const float* logits,
                                   __global const float* labels, int rows, int classes) {
    int r = get_global_id(0);
    if (r >= rows) return;
    int base = r * classes;
    float max_logit = -INFINITY;
    for (int j = 0; j < classes; j++) {
        max_logit = fmax(max_logit, logits[base + j]);
    }
    float sum = 0.0f;
    for (int j = 0; j < classes; j++) {
        float e = exp(logits[base + j] - max_logit);
        probs[base + j] = e;
        sum += e;
    }
    float inv = 1.0f / sum;
    for (int j = 0; j < classes; j++) {
        probs[base + j] *= inv;
    }
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
