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

#endif
