// Max, average and global-average pooling, forward and backward, on channels-last images [n][h][w][c].
// Backward kernels gather (one work-item per input element) instead of scattering, so no atomics.
// Window kernels run on a 3-D range (channels, x, batch * y) of the image they write, so a work-item
// finds its place with one division and neighbouring work-items touch neighbouring channels.
#include "common.h"

#define WINDOW_ARGS int height, int width, int channels, int kernel_h, int kernel_w, \
                    int stride_h, int stride_w, int pad_h, int pad_w, int out_h, int out_w

// Input offset of the first maximum of window (n, oy, ox) in channel c; padding never wins.
inline int first_max(__global const float* in, int n, int oy, int ox, int c, WINDOW_ARGS) {
    int best = -1;
    float best_value = 0.0f;
    for (int ky = 0; ky < kernel_h; ky++) {
        int iy = oy * stride_h - pad_h + ky;
        if (iy < 0 || iy >= height) continue;
        for (int kx = 0; kx < kernel_w; kx++) {
            int ix = ox * stride_w - pad_w + kx;
            if (ix < 0 || ix >= width) continue;
            int idx = ((n * height + iy) * width + ix) * channels + c;
            float v = in[idx];
            if (best < 0 || v > best_value) {
                best = idx;
                best_value = v;
            }
        }
    }
    return best;
}

// Range of output rows (or columns) whose window covers input coordinate y.
inline int first_window(int y, int pad, int size, int stride) {
    int t = y + pad - size + 1;
    return t <= 0 ? 0 : (t + stride - 1) / stride;
}

inline int last_window(int y, int pad, int stride, int out) {
    return min((y + pad) / stride, out - 1);
}

__kernel void max_pool_forward(__global float* out, __global const float* in, WINDOW_ARGS) {
    int c = get_global_id(0), ox = get_global_id(1), noy = get_global_id(2);
    int oy = noy % out_h, n = noy / out_h;
    out[(noy * out_w + ox) * channels + c] = in[first_max(in, n, oy, ox, c, height, width, channels, kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w,
                          out_h, out_w)];
}

__kernel void max_pool_backward(__global float* d_in, __global const float* d_out, __global const float* in, WINDOW_ARGS) {
    int c = get_global_id(0), x = get_global_id(1), ny = get_global_id(2);
    int y = ny % height, n = ny / height;
    int i = (ny * width + x) * channels + c;
    float sum = 0.0f;
    for (int oy = first_window(y, pad_h, kernel_h, stride_h); oy <= last_window(y, pad_h, stride_h, out_h); oy++) {
        for (int ox = first_window(x, pad_w, kernel_w, stride_w); ox <= last_window(x, pad_w, stride_w, out_w); ox++) {
            if (first_max(in, n, oy, ox, c, height, width, channels, kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w,
                          out_h, out_w) == i) {
                sum += d_out[((n * out_h + oy) * out_w + ox) * channels + c];
            }
        }
    }
    d_in[i] = sum;
}

// Windows that tile the image (Window2d.tilesImage): one work-item per window and channel finds the first
// maximum once and writes every gradient of its window, where the gather above finds it once per input.
__kernel void max_pool_backward_tiled(__global float* d_in, __global const float* d_out, __global const float* in, WINDOW_ARGS) {
    int c = get_global_id(0), ox = get_global_id(1), noy = get_global_id(2);
    int oy = noy % out_h, n = noy / out_h;
    int best = first_max(in, n, oy, ox, c, height, width, channels, kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w,
                         out_h, out_w);
    float g = d_out[(noy * out_w + ox) * channels + c];
    for (int ky = 0; ky < kernel_h; ky++) {
        for (int kx = 0; kx < kernel_w; kx++) {
            int idx = ((n * height + oy * kernel_h + ky) * width + ox * kernel_w + kx) * channels + c;
            d_in[idx] = idx == best ? g : 0.0f;
        }
    }
}

// Padded positions count as zeros: the divisor is always kernel_h * kernel_w.
__kernel void avg_pool_forward(__global float* out, __global const float* in, WINDOW_ARGS) {
    int c = get_global_id(0), ox = get_global_id(1), noy = get_global_id(2);
    int oy = noy % out_h, n = noy / out_h;
    int i = (noy * out_w + ox) * channels + c;
    float sum = 0.0f;
    for (int ky = 0; ky < kernel_h; ky++) {
        int iy = oy * stride_h - pad_h + ky;
        if (iy < 0 || iy >= height) continue;
        for (int kx = 0; kx < kernel_w; kx++) {
            int ix = ox * stride_w - pad_w + kx;
            if (ix < 0 || ix >= width) continue;
            sum += in[((n * height + iy) * width + ix) * channels + c];
        }
    }
    out[i] = sum * (1.0f / (kernel_h * kernel_w));
}

__kernel void avg_pool_backward(__global float* d_in, __global const float* d_out, WINDOW_ARGS) {
    int c = get_global_id(0), x = get_global_id(1), ny = get_global_id(2);
    int y = ny % height, n = ny / height;
    int i = (ny * width + x) * channels + c;
    float sum = 0.0f;
    for (int oy = first_window(y, pad_h, kernel_h, stride_h); oy <= last_window(y, pad_h, stride_h, out_h); oy++) {
        for (int ox = first_window(x, pad_w, kernel_w, stride_w); ox <= last_window(x, pad_w, stride_w, out_w); ox++) {
            sum += d_out[((n * out_h + oy) * out_w + ox) * channels + c];
        }
    }
    d_in[i] = sum * (1.0f / (kernel_h * kernel_w));
}

// out[n][c] = mean over pixels of in[n][p][c]; one work-item per (n, c).
__kernel void global_avg_pool_forward(__global float* out, __global const float* in, int batch, int pixels, int channels) {
    int i = get_global_id(0);
    if (i >= batch * channels) return;
    int n = i / channels, c = i % channels;
    float sum = 0.0f;
    for (int p = 0; p < pixels; p++) {
        sum += in[(n * pixels + p) * channels + c];
    }
    out[i] = sum * (1.0f / pixels);
}

__kernel void global_avg_pool_backward(__global float* d_in, __global const float* d_out, int batch, int pixels, int channels) {
    int i = get_global_id(0);
    if (i >= batch * pixels * channels) return;
    d_in[i] = d_out[i / (pixels * channels) * channels + i % channels] * (1.0f / pixels);
}
