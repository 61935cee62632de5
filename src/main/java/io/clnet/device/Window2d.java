package io.clnet.device;

/**
 * Geometry of a 2-D sliding window over a batch of channels-last images {@code [batch][height][width][channels]}:
 * the shared shape description of convolution (im2col/col2im) and pooling.
 *
 * <p>Output size per axis: {@code out = (in + 2*pad - kernel) / stride + 1}.
 *
 * <p>The im2col matrix has {@link #patchRows()} rows (one per output pixel, ordered {@code (n, oy, ox)}) and
 * {@link #patchCols()} columns ordered {@code (ky, kx, c)}, so a convolution is one GEMM
 * {@code out[patchRows][outChannels] = cols * weight^T} with {@code weight[outChannels][kh][kw][channels]}.
 */
public record Window2d(int batch, int height, int width, int channels,
                       int kernelH, int kernelW, int strideH, int strideW, int padH, int padW) {

    public Window2d {
        if (batch < 1 || height < 1 || width < 1 || channels < 1) {
            throw new IllegalArgumentException("input shape must be positive, got " + describeInput(batch, height, width, channels));
        }
        if (kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1 || padH < 0 || padW < 0) {
            throw new IllegalArgumentException("kernel " + kernelH + "x" + kernelW + ", stride " + strideH + "x" + strideW
                    + ", padding " + padH + "x" + padW + ": kernel and stride must be >= 1 and padding >= 0");
        }
        if (height + 2 * padH < kernelH || width + 2 * padW < kernelW) {
            throw new IllegalArgumentException("kernel " + kernelH + "x" + kernelW + " does not fit input "
                    + describeInput(batch, height, width, channels) + " with padding " + padH + "x" + padW);
        }
    }

    /** Same kernel, stride and padding on both axes. */
    public static Window2d square(int batch, int height, int width, int channels, int kernel, int stride, int pad) {
        return new Window2d(batch, height, width, channels, kernel, kernel, stride, stride, pad, pad);
    }

    public int outHeight() {
        return (height + 2 * padH - kernelH) / strideH + 1;
    }

    public int outWidth() {
        return (width + 2 * padW - kernelW) / strideW + 1;
    }

    /** Floats in the input {@code [batch][height][width][channels]}. */
    public int inputLength() {
        return batch * height * width * channels;
    }

    /** Floats in a pooled output {@code [batch][outHeight][outWidth][channels]}. */
    public int outputLength() {
        return patchRows() * channels;
    }

    /** Rows of the im2col matrix: one per output pixel. */
    public int patchRows() {
        return batch * outHeight() * outWidth();
    }

    /** Columns of the im2col matrix: one per (ky, kx, c). */
    public int patchCols() {
        return kernelH * kernelW * channels;
    }

    /** A 1x1, stride-1, unpadded window: the image is its own patch matrix. */
    public boolean isItsOwnPatchMatrix() {
        return kernelH == 1 && kernelW == 1 && strideH == 1 && strideW == 1 && padH == 0 && padW == 0;
    }

    /** Whether the windows cover every pixel exactly once: stride = kernel, no padding, nothing left over at the edges. */
    public boolean tilesImage() {
        return strideH == kernelH && strideW == kernelW && padH == 0 && padW == 0 && height % kernelH == 0 && width % kernelW == 0;
    }

    /** Pooling needs every window to touch at least one real pixel. */
    public void requirePoolable() {
        if (padH >= kernelH || padW >= kernelW) {
            throw new IllegalArgumentException("pooling padding " + padH + "x" + padW + " must be smaller than the kernel "
                    + kernelH + "x" + kernelW);
        }
    }

    @Override
    public String toString() {
        return describeInput(batch, height, width, channels) + " kernel " + kernelH + "x" + kernelW + " stride " + strideH + "x"
                + strideW + " pad " + padH + "x" + padW;
    }

    private static String describeInput(int n, int h, int w, int c) {
        return "[" + n + "," + h + "," + w + "," + c + "] (NHWC)";
    }
}
