// im2col and its adjoint col2im for channels-last images [n][h][w][c].
// cols has one row per output pixel (n, oy, ox) and one column per (ky, kx, c); see Window2d.
#include "common.h"

#define WINDOW_ARGS int height, int width, int channels, int kernel_h, int kernel_w, \
                    int stride_h, int stride_w, int pad_h, int pad_w, int out_h, int out_w

// One work-item per cols element.
__kernel void im2col(__global float* cols, __global const float* image, int total, WINDOW_ARGS) {
    int i = get_global_id(0);
    if (i >= total) return;
    int patch = kernel_h * kernel_w * channels;
    int row = i / patch, col = i % patch;
    int c = col % channels, kx = col / channels % kernel_w, ky = col / (channels * kernel_w);
    int ox = row % out_w, oy = row / out_w % out_h, n = row / (out_w * out_h);
    int iy = oy * stride_h - pad_h + ky, ix = ox * stride_w - pad_w + kx;
    bool inside = iy >= 0 && iy < height && ix >= 0 && ix < width;
    cols[i] = inside ? image[((n * height + iy) * width + ix) * channels + c] : 0.0f;
}

// One work-item per image element: gathers every cols entry that read it, in (ky, kx) order, so no
// atomics are needed and the result is deterministic.
__kernel void col2im(__global float* image, __global const float* cols, int total, WINDOW_ARGS) {
    int i = get_global_id(0);
    if (i >= total) return;
    int c = i % channels, x = i / channels % width, y = i / (channels * width) % height;
    int n = i / (channels * width * height);
    int patch = kernel_h * kernel_w * channels;
    float sum = 0.0f;
    for (int ky = 0; ky < kernel_h; ky++) {
        int ty = y + pad_h - ky;
        if (ty < 0 || ty % stride_h != 0 || ty / stride_h >= out_h) continue;
        for (int kx = 0; kx < kernel_w; kx++) {
            int tx = x + pad_w - kx;
            if (tx < 0 || tx % stride_w != 0 || tx / stride_w >= out_w) continue;
            int row = (n * out_h + ty / stride_h) * out_w + tx / stride_w;
            sum += cols[row * patch + (ky * kernel_w + kx) * channels + c];
        }
    }
    image[i] = sum;
}
