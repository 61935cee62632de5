// Shared helpers for every clnet kernel file. Sources are built with `#include "common.h"` resolved by
// the host (io.clnet.device.opencl.KernelSources), so no include path is needed on any driver.
#ifndef CLNET_COMMON_H
#define CLNET_COMMON_H

// Work-group size of the reduction kernels; the host launches them with exactly this local size.
#define REDUCE_WG 256

// The integer label stored in a float, or -1 when it is not one of 0..classes-1.
inline int label_of(float label, int classes) {
    int l = (int) label;
    return ((float) l == label && l >= 0 && l < classes) ? l : -1;
}

// Sum of a REDUCE_WG-wide local array into element 0, in a fixed tree order (deterministic).
inline void local_tree_sum(__local float* scratch, int lid) {
    for (int width = REDUCE_WG / 2; width > 0; width >>= 1) {
        barrier(CLK_LOCAL_MEM_FENCE);
        if (lid < width) {
            scratch[lid] += scratch[lid + width];
        }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
}

// murmur3's 32-bit finaliser; with dropout_uniform, the same function as io.clnet.device.DropoutMask.
inline uint mix32(uint x) {
    x ^= x >> 16;
    x *= 0x85ebca6bu;
    x ^= x >> 13;
    x *= 0xc2b2ae35u;
    x ^= x >> 16;
    return x;
}

// A uniform number in [0, 1) for element `index` under the 64-bit seed (seed_hi:seed_lo).
inline float dropout_uniform(uint seed_lo, uint seed_hi, uint index) {
    uint x = mix32((index * 0x9E3779B9u) ^ seed_lo);
    x = mix32(x ^ seed_hi);
    return (float) (x >> 8) * (1.0f / 16777216.0f);
}

#endif
