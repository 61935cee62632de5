package io.clnet.device;

/**
 * What {@code devices} prints about one device.
 *
 * @param id          how to ask for it: {@code cpu} or {@code opencl:P:D}
 * @param backend     {@code cpu} or {@code opencl}
 * @param type        {@code CPU}, {@code GPU}, {@code ACCELERATOR} or {@code OTHER}
 * @param memoryBytes global memory (the JVM's max heap for the CPU backend)
 * @param version     OpenCL version and driver, or the JVM and GEMM path for the CPU backend
 */
public record DeviceInfo(String id, String backend, String name, String type, int computeUnits,
                         long memoryBytes, String version) {

    public boolean isGpuOrAccelerator() {
        return type.equals("GPU") || type.equals("ACCELERATOR");
    }

    @Override
    public String toString() {
        return id + " (" + name + ", " + type + ")";
    }
}
