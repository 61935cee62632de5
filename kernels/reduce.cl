// Deterministic reductions: the split into work-groups depends only on the length, and every group sums
// in a fixed tree order, so the same input gives the same bits on every run.
#include "common.h"

// Group g sums (or sums the squares of) x[g*chunk, (g+1)*chunk) into partial[g]. Launch with local size REDUCE_WG.
__kernel __attribute__((reqd_work_group_size(REDUCE_WG, 1, 1)))
void reduce_partial(__global float* partial, __global const float* x, int length, int chunk, int squares) {
    __local float scratch[REDUCE_WG];
    int lid = get_local_id(0), g = get_group_id(0);
    int end = min(length, (g + 1) * chunk);
    float sum = 0.0f;
    for (int i = g * chunk + lid; i < end; i += REDUCE_WG) {
        float v = x[i];
        sum += squares ? v * v : v;
    }
    scratch[lid] = sum;
    local_tree_sum(scratch, lid);
    if (lid == 0) partial[g] = scratch[0];
}

// One group: out[out_index] = scale * sum of partial[0, groups).
__kernel __attribute__((reqd_work_group_size(REDUCE_WG, 1, 1)))
void reduce_final(__global float* out, int out_index, __global const float* partial, int groups, float scale) {
    __local float scratch[REDUCE_WG];
    int lid = get_local_id(0);
    float sum = 0.0f;
    for (int i = lid; i < groups; i += REDUCE_WG) {
        sum += partial[i];
    }
    scratch[lid] = sum;
    local_tree_sum(scratch, lid);
    if (lid == 0) out[out_index] = scale * scratch[0];
}

// d_bias[c] = sum over rows of d_out[r][c]; one group per channel.
__kernel __attribute__((reqd_work_group_size(REDUCE_WG, 1, 1)))
void bias_grad(__global float* d_bias, __global const float* d_out, int rows, int channels) {
    __local float scratch[REDUCE_WG];
    int lid = get_local_id(0), c = get_group_id(0);
    float sum = 0.0f;
    for (int r = lid; r < rows; r += REDUCE_WG) {
        sum += d_out[r * channels + c];
    }
    scratch[lid] = sum;
    local_tree_sum(scratch, lid);
    if (lid == 0) d_bias[c] = scratch[0];
}
