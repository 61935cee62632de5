package io.clnet.train;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * A training checkpoint: configuration plus named float arrays (weights and optimizer state) in one file.
 *
 * <p>Format, version 1:
 * <pre>
 *   8 bytes   ASCII "CLNETCK1"
 *   int32     header length H (big-endian)
 *   H bytes   header: java.util.Properties text (UTF-8) with the run's settings (model, dataset, optimizer,
 *             lr, momentum, epoch, steps, seed...) and {@code arrays=name:length,name:length,...}
 *   then      each array in that order as {@code length} float32 values, little-endian
 * </pre>
 * Written to a temporary file in the same directory, forced to disk, then renamed over the target, so a crash
 * never leaves a half-written checkpoint where a good one was.
 */
public record Checkpoint(Map<String, String> settings, Map<String, float[]> arrays) {
    private static final byte[] MAGIC = "CLNETCK1".getBytes(StandardCharsets.US_ASCII);

    public String setting(String key) {
        String value = settings.get(key);
        if (value == null) {
            throw new IllegalArgumentException("checkpoint has no '" + key + "' setting");
        }
        return value;
    }

    public void write(Path file) throws IOException {
        Properties header = new Properties();
        header.putAll(settings);
        StringBuilder names = new StringBuilder();
        for (Map.Entry<String, float[]> e : arrays.entrySet()) {
            if (e.getKey().contains(":") || e.getKey().contains(",")) {
                throw new IllegalArgumentException("array name '" + e.getKey() + "' may not contain ':' or ','");
            }
            names.append(names.length() == 0 ? "" : ",").append(e.getKey()).append(':').append(e.getValue().length);
        }
        header.setProperty("arrays", names.toString());
        header.setProperty("format", "1");
        StringWriter text = new StringWriter();
        header.store(text, "clnet checkpoint");
        byte[] headerBytes = text.toString().getBytes(StandardCharsets.UTF_8);

        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream raw = java.nio.channels.Channels.newOutputStream(channel);
                 DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(raw, 1 << 16))) {
                out.write(MAGIC);
                out.writeInt(headerBytes.length);
                out.write(headerBytes);
                for (float[] values : arrays.values()) {
                    ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                    bytes.asFloatBuffer().put(values);
                    out.write(bytes.array());
                }
                out.flush();
                channel.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Reads a checkpoint; a wrong or truncated file throws {@link IllegalArgumentException} naming it. */
    public static Checkpoint read(Path file) {
        try (InputStream raw = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16);
             DataInputStream in = new DataInputStream(raw)) {
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new IllegalArgumentException(file + ": not a clnet checkpoint (no CLNETCK1 magic)");
            }
            int headerLength = in.readInt();
            if (headerLength < 0 || headerLength > (1 << 24)) {
                throw new IllegalArgumentException(file + ": corrupt checkpoint header length " + headerLength);
            }
            Properties header = new Properties();
            header.load(new StringReader(new String(in.readNBytes(headerLength), StandardCharsets.UTF_8)));
            Map<String, String> settings = new TreeMap<>();
            header.stringPropertyNames().forEach(k -> settings.put(k, header.getProperty(k)));
            Map<String, float[]> arrays = new LinkedHashMap<>();
            String list = settings.remove("arrays");
            for (String entry : list == null || list.isEmpty() ? new String[0] : list.split(",")) {
                String[] nameLength = entry.split(":");
                int length = Integer.parseInt(nameLength[1]);
                byte[] bytes = in.readNBytes(length * 4);
                if (bytes.length != length * 4) {
                    throw new IllegalArgumentException(file + ": truncated in array " + nameLength[0]);
                }
                float[] values = new float[length];
                ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
                arrays.put(nameLength[0], values);
            }
            return new Checkpoint(settings, arrays);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read checkpoint (" + e.getMessage() + ")", e);
        }
    }
}
