// Elementwise ops, bias add and strided copies. One work-item per element; the host rounds the global
// size up, so every kernel checks its bound.
#include "common.h"

__kernel void add(__global float* out, __global const float* a, __global const float* b, int length) {
    int i = get_global_id(0);
    if (i < length) out[i] = a[i] + b[i];
}

__kernel void mul(__global float* out, __global const float* a, __global const float* b, int length) {
    int i = get_global_id(0);
    if (i < length) out[i] = a[i] * b[i];
}

__kernel void axpy(__global float* y, float alpha, __global const float* x, int length) {
    int i = get_global_id(0);
    if (i < length) y[i] += alpha * x[i];
}

__kernel void scale(__global float* x, float alpha, int length) {
    int i = get_global_id(0);
    if (i < length) x[i] *= alpha;
}

__kernel void fill(__global float* x, float value, int length) {
    int i = get_global_id(0);
    if (i < length) x[i] = value;
}

// dst[dst_offset + r*dst_stride + j] = src[src_offset + r*src_stride + j] for a rows x cols block.
__kernel void copy2d(__global float* dst, int dst_offset, int dst_stride, __global const float* src, int src_offset,
                     int src_stride, int rows, int cols) {
    int i = get_global_id(0);
    if (i >= rows * cols) return;
    int r = i / cols, j = i % cols;
    dst[dst_offset + r * dst_stride + j] = src[src_offset + r * src_stride + j];
}

// x[r][c] += bias[c] for a rows x channels matrix.
__kernel void bias_add(__global float* x, __global const float* bias, int rows, int channels) {
    int i = get_global_id(0);
    if (i < rows * channels) x[i] += bias[i % channels];
}

// Inverted dropout; keep_scale = 1/(1-rate) comes from the host so both backends use the same bits.
__kernel void dropout_forward(__global float* out, __global float* mask, __global const float* in, int length, float rate,
                              float keep_scale, uint seed_lo, uint seed_hi) {
    int i = get_global_id(0);
    if (i >= length) return;
    float m = dropout_uniform(seed_lo, seed_hi, (uint) i) < rate ? 0.0f : keep_scale;
    mask[i] = m;
    out[i] = in[i] * m;
}

__kernel void clamp_values(__global float* x, float lo, float hi, int length) {
    int i = get_global_id(0);
    if (i < length) x[i] = fmin(fmax(x[i], lo), hi);
}

// x *= min(1, max_norm / sqrt(sum_sq[index])): clipping by a norm that never leaves the device.
__kernel void scale_to_max_norm(__global float* x, int length, __global const float* sum_sq, int index, float max_norm) {
    int i = get_global_id(0);
    if (i >= length) return;
    float norm = sqrt(sum_sq[index]);
    if (norm > max_norm) x[i] *= max_norm / norm;
}
