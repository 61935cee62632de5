package io.clnet.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The four IDX files of an MNIST-style dataset in one directory, each raw or {@code .gz}. */
record DatasetFiles(Path trainImages, Path trainLabels, Path testImages, Path testLabels) {
    static final String[] NAMES = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
            "t10k-labels-idx1-ubyte"};

    /** The files in {@code dir}, or null when any is missing. */
    static DatasetFiles in(Path dir) {
        List<Path> found = new ArrayList<>();
        for (String name : NAMES) {
            Path raw = dir.resolve(name), gz = dir.resolve(name + ".gz");
            if (Files.isRegularFile(raw)) {
                found.add(raw);
            } else if (Files.isRegularFile(gz)) {
                found.add(gz);
            } else {
                return null;
            }
        }
        return new DatasetFiles(found.get(0), found.get(1), found.get(2), found.get(3));
    }

    static String expectedNames() {
        return String.join(", ", NAMES) + " (each raw or .gz)";
    }
}
