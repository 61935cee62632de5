package io.clnet.device;

/**
 * What a device op is counted as when profiling. Convolution phases are scopes set by the conv op: inside
 * one, GEMM and bias work counts as that phase, while im2col/col2im keep their own line.
 */
public enum OpKind {
    CONV_FORWARD("conv forward"),
    CONV_BACKWARD_DATA("conv backward-data"),
    CONV_BACKWARD_WEIGHTS("conv backward-weights"),
    GEMM("gemm (dense)"),
    BIAS("bias"),
    IM2COL("im2col/col2im"),
    POOL("pool"),
    ACTIVATION("activation"),
    LOSS("loss and metrics"),
    OPTIMIZER("optimizer"),
    ELEMENTWISE("elementwise"),
    REDUCTION("reduction"),
    UPLOAD("host -> device"),
    DOWNLOAD("device -> host");

    private final String label;

    OpKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Whether an op of this kind counts as the enclosing convolution phase when one is active. */
    boolean absorbedByConvScope() {
        return this == GEMM || this == BIAS;
    }

    boolean isConvPhase() {
        return this == CONV_FORWARD || this == CONV_BACKWARD_DATA || this == CONV_BACKWARD_WEIGHTS;
    }
}
