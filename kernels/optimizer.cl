// In-place parameter updates; the math is documented on io.clnet.device.Device#sgdUpdate and #adamUpdate.
#include "common.h"

// has_velocity == 0 means plain SGD (velocity is then an unused placeholder).
__kernel void sgd_update(__global float* param, __global float* velocity, __global const float* grad, int length,
                         float lr, float momentum, float weight_decay, int nesterov, int has_velocity) {
    int i = get_global_id(0);
    if (i >= length) return;
    float g = grad[i] + weight_decay * param[i];
    if (!has_velocity) {
        param[i] -= lr * g;
        return;
    }
    float v = momentum * velocity[i] + g;
    velocity[i] = v;
    param[i] -= lr * (nesterov ? g + momentum * v : v);
}

// correction1 = 1/(1-beta1^t), correction2 = 1/(1-beta2^t), computed on the host.
__kernel void adam_update(__global float* param, __global float* m, __global float* v, __global const float* grad, int length,
                          float lr, float beta1, float beta2, float eps, float weight_decay, float correction1,
                          float correction2) {
    int i = get_global_id(0);
    if (i >= length) return;
    float g = grad[i] + weight_decay * param[i];
    float mi = beta1 * m[i] + (1.0f - beta1) * g;
    float vi = beta2 * v[i] + (1.0f - beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    param[i] -= lr * (mi * correction1) / (sqrt(vi * correction2) + eps);
}
