// im2col and its adjoint col2im for channels-last images [n][h][w][c].
// cols has one row per output pixel (n, oy, ox) and one column per (ky, kx, c); see Window2d.
// Both run on a 3-D range, so a work-item finds its place with few divisions: the innermost axis walks
// channels (and, for im2col, the kernel_w neighbouring pixels of one kernel row, which are contiguous
// in the image), so neighbouring work-items touch neighbouring floats.
#include "common.h"

#define WINDOW_ARGS int height, int width, int channels, int kernel_h, int kernel_w, \
                    int stride_h, int stride_w, int pad_h, int pad_w, int out_h, int out_w

// Range (kernel_w * channels, kernel_h, rows): j walks one kernel row of a patch (kx, c), ky the kernel
// rows, row the output pixels.
__kernel void im2col(__global float* cols, __global const float* image, WINDOW_ARGS) {
    int j = get_global_id(0), ky = get_global_id(1), row = get_global_id(2);
    int run = kernel_w * channels;
    int ox = row % out_w, t = row / out_w, oy = t % out_h, n = t / out_h;
    int iy = oy * stride_h - pad_h + ky, ix0 = ox * stride_w - pad_w;
    int lo = max(0, -ix0) * channels, hi = min(kernel_w, width - ix0) * channels;
    bool inside = iy >= 0 && iy < height && j >= lo && j < hi;
    cols[(row * kernel_h + ky) * run + j] = inside ? image[((n * height + iy) * width + ix0) * channels + j] : 0.0f;
}

// Range (channels, width, batch * height): one work-item per image element gathers every cols entry that
// read it, in (ky, kx) order, so no atomics are needed and the result is deterministic.
__kernel void col2im(__global float* image, __global const float* cols, WINDOW_ARGS) {
    int c = get_global_id(0), x = get_global_id(1), ny = get_global_id(2);
    int y = ny % height, n = ny / height;
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
    image[(ny * width + x) * channels + c] = sum;
}
