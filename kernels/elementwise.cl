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
