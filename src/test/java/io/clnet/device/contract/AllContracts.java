package io.clnet.device.contract;

/** The whole device contract: a backend's test class implements this and supplies {@code device()}. */
public interface AllContracts extends GemmContract, ConvContract, WindowContract, PointwiseContract, LossContract, OptimizerContract,
        TrainingOpsContract,
        MemoryContract {
}
