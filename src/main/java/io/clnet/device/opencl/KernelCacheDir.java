package io.clnet.device.opencl;

import java.nio.file.Path;

/** Where program binaries live: {@code $CLNET_CACHE_DIR}, else {@code $XDG_CACHE_HOME/clnet}, else {@code ~/.cache/clnet}; then {@code kernels/}. */
final class KernelCacheDir {
    private KernelCacheDir() {
    }

    static Path resolve() {
        String own = System.getenv("CLNET_CACHE_DIR");
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path root = own != null && !own.isBlank() ? Path.of(own)
                : xdg != null && !xdg.isBlank() ? Path.of(xdg, "clnet")
                : Path.of(System.getProperty("user.home"), ".cache", "clnet");
        return root.resolve("kernels");
    }
}
