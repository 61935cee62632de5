package io.clnet.train;

/**
 * What one pass over a dataset measured.
 *
 * @param loss          mean loss per example
 * @param accuracy      fraction of examples whose argmax is the label
 * @param imagesPerSecond examples processed per wall-clock second (training only; 0 for evaluation)
 */
public record EpochStats(int examples, int steps, double loss, double accuracy, double imagesPerSecond) {
}
