package io.clnet.util;

import java.nio.file.Path;

/** clnet's cache directory: {@code $CLNET_CACHE_DIR}, else {@code $XDG_CACHE_HOME/clnet}, else {@code ~/.cache/clnet}. */
public final class UserCache {
    private UserCache() {
    }

    public static Path root() {
        String own = System.getenv("CLNET_CACHE_DIR");
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (own != null && !own.isBlank()) {
            return Path.of(own);
        }
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "clnet");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "clnet");
    }
}
