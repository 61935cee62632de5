package io.clnet.data;

/**
 * One batch on the host: {@code images[size][height][width][channels]} in [0, 1] and {@code labels[size]}
 * as floats (the layout {@code Device} ops take).
 */
public record Batch(float[] images, float[] labels, int size) {
}
