package io.clnet.device.opencl;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code kernels/*.cl} from the jar (the repo's {@code kernels/} folder is packaged as it is) and
 * resolves {@code #include "x.h"} against the same folder, so drivers never need an include path.
 */
final class KernelSources {
    private static final Pattern INCLUDE = Pattern.compile("(?m)^\\s*#include\\s+\"([A-Za-z0-9_.]+)\"\\s*$");
    private static final Map<String, String> CACHE = new ConcurrentHashMap<>();

    private KernelSources() {
    }

    /** The full source of {@code kernels/<file>}, includes inlined. */
    static String load(String file) {
        return CACHE.computeIfAbsent(file, f -> {
            String text = read(f);
            Matcher m = INCLUDE.matcher(text);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(out, Matcher.quoteReplacement(read(m.group(1))));
            }
            m.appendTail(out);
            return out.toString();
        });
    }

    private static String read(String file) {
        try (InputStream in = KernelSources.class.getResourceAsStream("/kernels/" + file)) {
            if (in == null) {
                throw new IllegalStateException("kernel source kernels/" + file + " is not on the classpath (is the jar complete?)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading kernels/" + file, e);
        }
    }
}
