package io.clnet.train;

import io.clnet.device.Buffer;
import io.clnet.device.Device;
import io.clnet.nn.Tensor;

/**
 * Sums of loss and of correct predictions kept on the device, so a step does not wait for the host; they
 * cross to the host only when {@link #read} is called (for the progress line and at the end of an epoch).
 */
final class RunningStats implements AutoCloseable {
    private final Device device;
    private final Buffer lossSum, correctSum, stepCorrect;
    private int examples;

    RunningStats(Device device) {
        this.device = device;
        this.lossSum = device.allocate(1);
        this.correctSum = device.allocate(1);
        this.stepCorrect = device.allocate(1);
        device.fill(lossSum, 0f, 1);
        device.fill(correctSum, 0f, 1);
    }

    /** Adds a batch: its mean loss (a [1] tensor) times its size, and how many logits rows match the labels. */
    void add(Tensor meanLoss, Tensor logits, Tensor labels) {
        int n = logits.dim(0);
        device.axpy(lossSum, n, meanLoss.data(), 1);
        device.correctCount(stepCorrect, 0, logits.data(), labels.data(), n, logits.dim(1));
        device.axpy(correctSum, 1f, stepCorrect, 1);
        examples += n;
    }

    int examples() {
        return examples;
    }

    /** {@code {mean loss, accuracy}} so far (downloads two floats). */
    double[] read() {
        float[] loss = new float[1], correct = new float[1];
        device.download(loss, 0, lossSum, 0, 1);
        device.download(correct, 0, correctSum, 0, 1);
        return new double[] {examples == 0 ? 0 : loss[0] / examples, examples == 0 ? 0 : correct[0] / examples};
    }

    @Override
    public void close() {
        lossSum.close();
        correctSum.close();
        stepCorrect.close();
    }
}
