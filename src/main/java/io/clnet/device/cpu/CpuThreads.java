package io.clnet.device.cpu;

/**
 * How many threads the CPU backend computes on: {@code --threads N} (which sets the system property
 * {@value #PROPERTY}), else the environment variable {@value #ENV}, else one per core the JVM sees. Read once,
 * when the backend first starts; for users who share a machine.
 */
public final class CpuThreads {
    public static final String PROPERTY = "clnet.threads";
    public static final String ENV = "CLNET_THREADS";

    private CpuThreads() {
    }

    /**
     * @throws IllegalArgumentException naming the setting when it is not a whole number from 1 to 1024
     */
    public static int count() {
        String property = System.getProperty(PROPERTY), env = System.getenv(ENV);
        if (property != null) {
            return parse(property, "--threads");
        }
        if (env != null && !env.isBlank()) {
            return parse(env, ENV);
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /** {@code value} as a thread count, or an error naming {@code setting}. */
    public static int parse(String value, String setting) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1 && n <= 1024) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(setting + " must be a whole number of threads from 1 to 1024, got '" + value + "'");
    }
}
