package io.clnet.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataFilesTest {

    @Test
    void rawAndGzipFilesReadTheSame(@TempDir Path dir) throws Exception {
        byte[] data = IdxWriter.ramp(2 * 4 * 3);
        IdxFile raw = IdxFile.read(IdxWriter.write(dir.resolve("a"), new int[] {2, 4, 3}, data, false), 3);
        IdxFile gz = IdxFile.read(IdxWriter.write(dir.resolve("b.gz"), new int[] {2, 4, 3}, data, true), 3);
        assertArrayEquals(new int[] {2, 4, 3}, raw.dims());
        assertArrayEquals(data, raw.data());
        assertArrayEquals(data, gz.data());
    }

    @Test
    void aTruncatedFileNamesTheFileAndTheShortfall(@TempDir Path dir) throws Exception {
        byte[] full = IdxWriter.bytes(0x00000803, new int[] {2, 4, 3}, IdxWriter.ramp(24));
        Path file = dir.resolve("train-images-idx3-ubyte");
        Files.write(file, Arrays.copyOf(full, full.length - 5));
        DataException e = assertThrows(DataException.class, () -> IdxFile.read(file, 3));
        assertEquals(file + ": truncated: dimensions [2, 4, 3] need 24 bytes of data, found 19", e.getMessage());
        Files.write(file, Arrays.copyOf(full, 6));
        assertTrue(assertThrows(DataException.class, () -> IdxFile.read(file, 3)).getMessage().contains("truncated inside the IDX header"));
    }

    @Test
    void aWrongMagicNumberOrRankIsRejected(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("labels");
        Files.write(file, IdxWriter.bytes(0x00000901, new int[] {3}, new byte[3]));
        DataException magic = assertThrows(DataException.class, () -> IdxFile.read(file, 1));
        assertTrue(magic.getMessage().startsWith(file + ": wrong magic number 0x00000901"), magic.getMessage());
        Files.write(file, IdxWriter.bytes(0x00000801, new int[] {3}, new byte[3]));
        assertTrue(assertThrows(DataException.class, () -> IdxFile.read(file, 3)).getMessage().contains("IDX rank 1, expected 3"));
        Files.write(file, IdxWriter.bytes(0x00000801, new int[] {3}, new byte[4]));
        assertTrue(assertThrows(DataException.class, () -> IdxFile.read(file, 1)).getMessage().contains("longer than its dimensions"));
    }

    @Test
    void labelsThatDoNotMatchTheImagesNameTheLabelFile(@TempDir Path dir) throws Exception {
        IdxWriter.dataset(dir, 6, 4, false);
        IdxWriter.write(dir.resolve("train-labels-idx1-ubyte"), new int[] {5}, IdxWriter.labels(5), false);
        DataException e = assertThrows(DataException.class, () -> Datasets.load("mnist", dir, s -> { }));
        assertEquals(dir.resolve("train-labels-idx1-ubyte") + ": 5 labels, expected 6 to match train-images-idx3-ubyte", e.getMessage());
    }

    @Test
    void aDataDirectoryIsReadRawOrGzipAndItsAbsenceIsExplained(@TempDir Path dir) throws Exception {
        Datasets.TrainTest raw = Datasets.load("mnist", IdxWriter.dataset(Files.createDirectory(dir.resolve("raw")), 6, 4, false), s -> { });
        Datasets.TrainTest gz = Datasets.load("fashion-mnist", IdxWriter.dataset(Files.createDirectories(dir.resolve("gz/fashion-mnist")), 6, 4, true)
                .getParent(), s -> { });
        assertEquals(6, raw.train().size());
        assertEquals(4, gz.test().size());
        assertEquals(12, gz.train().imageLength());
        float[] image = new float[12];
        assertEquals(3, raw.train().copyExample(3, image, 0));
        assertEquals(36 / 255f, image[0], 1e-7f);
        DataException missing = assertThrows(DataException.class, () -> Datasets.load("mnist", dir.resolve("nothing"), s -> { }));
        assertTrue(missing.getMessage().contains("no mnist files") && missing.getMessage().contains("train-images-idx3-ubyte"),
                missing.getMessage());
    }

    @Test
    void aFileWithTheWrongChecksumIsRefused(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("train-images-idx3-ubyte"), "not mnist");
        DataException e = assertThrows(DataException.class,
                () -> MnistFetcher.verify(dir, Map.of("train-images-idx3-ubyte", MnistFetcher.SHA256.get("train-images-idx3-ubyte"))));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte: SHA-256") && e.getMessage().contains("not the real MNIST"),
                e.getMessage());
    }
}
