package io.clnet.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * An IDX file (the MNIST format): magic {@code 00 00 08 rank}, then {@code rank} big-endian int32 dimensions,
 * then exactly {@code product(dims)} unsigned bytes. Raw or gzip (detected from the content, not the name).
 *
 * @param dims the dimensions, outermost first
 * @param data the unsigned bytes, row-major
 */
public record IdxFile(Path file, int[] dims, byte[] data) {
    private static final int UNSIGNED_BYTE = 0x08;

    /** Reads and checks {@code file}; any problem is a {@link DataException} naming the file and what was expected. */
    public static IdxFile read(Path file, int expectedRank) {
        if (!Files.isRegularFile(file)) {
            throw new DataException(file + ": no such file");
        }
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            raw.mark(2);
            boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            try (DataInputStream in = new DataInputStream(gzip ? new GZIPInputStream(raw, 1 << 16) : raw)) {
                return parse(file, in, expectedRank);
            }
        } catch (EOFException e) {
            throw new DataException(file + ": truncated inside the IDX header");
        } catch (IOException e) {
            throw new DataException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private static IdxFile parse(Path file, DataInputStream in, int expectedRank) throws IOException {
        int magic = in.readInt();
        int type = (magic >>> 8) & 0xff, rank = magic & 0xff;
        if ((magic >>> 16) != 0 || type != UNSIGNED_BYTE) {
            throw new DataException(file + ": wrong magic number 0x" + String.format("%08x", magic) + ", expected 0x00000"
                    + Integer.toHexString(UNSIGNED_BYTE) + "0" + expectedRank + " (an IDX file of unsigned bytes)");
        }
        if (rank != expectedRank) {
            throw new DataException(file + ": IDX rank " + rank + ", expected " + expectedRank);
        }
        int[] dims = new int[rank];
        long length = 1;
        for (int i = 0; i < rank; i++) {
            dims[i] = in.readInt();
            if (dims[i] <= 0) {
                throw new DataException(file + ": dimension " + i + " is " + dims[i] + ", expected a positive size");
            }
            length *= dims[i];
        }
        if (length > Integer.MAX_VALUE - 16) {
            throw new DataException(file + ": dimensions " + Arrays.toString(dims) + " are too large");
        }
        byte[] data = new byte[(int) length];
        int read = in.readNBytes(data, 0, data.length);
        if (read < data.length) {
            throw new DataException(file + ": truncated: dimensions " + Arrays.toString(dims) + " need " + length
                    + " bytes of data, found " + read);
        }
        if (in.read() != -1) {
            throw new DataException(file + ": longer than its dimensions " + Arrays.toString(dims) + " say (" + length
                    + " bytes of data)");
        }
        return new IdxFile(file, dims, data);
    }
}
