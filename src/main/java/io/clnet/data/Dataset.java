package io.clnet.data;

/**
 * Labelled images kept as the bytes they came in ({@code [count][height][width][channels]}, 0..255), plus
 * the order in which they are visited. A validation split is two datasets over one array of pixels.
 */
public final class Dataset {
    private final String name;
    private final int height, width, channels, classes;
    private final byte[] pixels;
    private final byte[] labels;
    private final int[] index;

    public Dataset(String name, int height, int width, int channels, int classes, byte[] pixels, byte[] labels) {
        this(name, height, width, channels, classes, pixels, labels, identity(labels.length));
    }

    private Dataset(String name, int height, int width, int channels, int classes, byte[] pixels, byte[] labels, int[] index) {
        if ((long) labels.length * height * width * channels != pixels.length) {
            throw new DataException(name + ": " + labels.length + " labels but " + pixels.length + " pixel bytes for "
                    + height + "x" + width + "x" + channels + " images");
        }
        for (int i : index) {
            int label = labels[i] & 0xff;
            if (label >= classes) {
                throw new DataException(name + ": label " + label + " of image " + i + " is not one of 0.." + (classes - 1));
            }
        }
        this.name = name;
        this.height = height;
        this.width = width;
        this.channels = channels;
        this.classes = classes;
        this.pixels = pixels;
        this.labels = labels;
        this.index = index;
    }

    /** {@code first} examples go to the first dataset, the rest to the second (a train/validation split). */
    public Dataset[] split(int first, String firstName, String secondName) {
        if (first < 0 || first > size()) {
            throw new IllegalArgumentException(name + ": cannot split " + size() + " examples at " + first);
        }
        return new Dataset[] {
                new Dataset(firstName, height, width, channels, classes, pixels, labels, java.util.Arrays.copyOfRange(index, 0, first)),
                new Dataset(secondName, height, width, channels, classes, pixels, labels, java.util.Arrays.copyOfRange(index, first, size()))};
    }

    /** The first {@code count} examples (for quick runs). */
    public Dataset limit(int count) {
        return count >= size() ? this : split(count, name, name + "-rest")[0];
    }

    public String name() {
        return name;
    }

    public int size() {
        return index.length;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int channels() {
        return channels;
    }

    public int classes() {
        return classes;
    }

    /** Floats per image. */
    public int imageLength() {
        return height * width * channels;
    }

    /** Writes example {@code i} (in this dataset's order) scaled to [0, 1] into {@code dst[offset...]}; returns its label. */
    public int copyExample(int i, float[] dst, int offset) {
        int example = index[i];
        int length = imageLength();
        int src = example * length;
        for (int j = 0; j < length; j++) {
            dst[offset + j] = (pixels[src + j] & 0xff) * (1f / 255f);
        }
        return labels[example] & 0xff;
    }

    private static int[] identity(int n) {
        int[] index = new int[n];
        for (int i = 0; i < n; i++) {
            index[i] = i;
        }
        return index;
    }
}
