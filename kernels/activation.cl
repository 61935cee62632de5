// Pointwise activations, forward and backward. Built once per activation with -DACTIVATION=<id>, where
// the ids follow io.clnet.device.Activation's order; alpha is LeakyReLU's slope, ELU's scale, Swish's beta.
#include "common.h"

#define ACT_RELU 0
#define ACT_LEAKY_RELU 1
#define ACT_SIGMOID 2
#define ACT_TANH 3
#define ACT_ELU 4
#define ACT_GELU 5
#define ACT_SWISH 6

#ifndef ACTIVATION
#error "build with -DACTIVATION=<id>"
#endif

#define GELU_C 0.7978845608028654f
#define GELU_K 0.044715f

inline float sigmoid_of(float x) {
    return 1.0f / (1.0f + exp(-x));
}

inline float act_forward(float x, float alpha) {
#if ACTIVATION == ACT_RELU
    return x > 0.0f ? x : 0.0f;
#elif ACTIVATION == ACT_LEAKY_RELU
    return x > 0.0f ? x : alpha * x;
#elif ACTIVATION == ACT_SIGMOID
    return sigmoid_of(x);
#elif ACTIVATION == ACT_TANH
    return tanh(x);
#elif ACTIVATION == ACT_ELU
    return x > 0.0f ? x : alpha * expm1(x);
#elif ACTIVATION == ACT_GELU
    return 0.5f * x * (1.0f + tanh(GELU_C * (x + GELU_K * x * x * x)));
#elif ACTIVATION == ACT_SWISH
    return x * sigmoid_of(alpha * x);
#else
#error "unknown ACTIVATION"
#endif
}

inline float act_derivative(float x, float alpha) {
#if ACTIVATION == ACT_RELU
    return x > 0.0f ? 1.0f : 0.0f;
#elif ACTIVATION == ACT_LEAKY_RELU
    return x > 0.0f ? 1.0f : alpha;
#elif ACTIVATION == ACT_SIGMOID
    float s = sigmoid_of(x);
    return s * (1.0f - s);
#elif ACTIVATION == ACT_TANH
    float t = tanh(x);
    return 1.0f - t * t;
#elif ACTIVATION == ACT_ELU
    return x > 0.0f ? 1.0f : alpha * exp(x);
#elif ACTIVATION == ACT_GELU
    float t = tanh(GELU_C * (x + GELU_K * x * x * x));
    return 0.5f * (1.0f + t) + 0.5f * x * (1.0f - t * t) * GELU_C * (1.0f + 3.0f * GELU_K * x * x);
#elif ACTIVATION == ACT_SWISH
    float s = sigmoid_of(alpha * x);
    return s + alpha * x * s * (1.0f - s);
#endif
}

__kernel void activation_forward(__global float* out, __global const float* in, float alpha, int length) {
    int i = get_global_id(0);
    if (i >= length) return;
    out[i] = act_forward(in[i], alpha);
}

__kernel void activation_backward(__global float* d_in, __global const float* d_out, __global const float* in, float alpha,
                                  int length) {
    int i = get_global_id(0);
    if (i >= length) return;
    d_in[i] = d_out[i] * act_derivative(in[i], alpha);
}
