// Deliberately broken: the build-failure test expects this file's name, its options and the log.
__kernel void broken(__global float* x) {
    x[get_global_id(0)] = undefined_identifier;
}
