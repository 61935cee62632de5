package io.clnet.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** {@code --name value} and {@code --switch} flags of one command, checked against what the command knows. */
public final class Args {
    private final String command;
    private final Map<String, String> values = new HashMap<>();

    private Args(String command) {
        this.command = command;
    }

    /**
     * @param valueFlags  flags that take a value
     * @param switchFlags flags that stand alone
     */
    public static Args parse(String command, List<String> argv, Set<String> valueFlags, Set<String> switchFlags) {
        Args args = new Args(command);
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            if (!a.startsWith("--")) {
                throw new UsageException("'" + command + "' takes no argument '" + a + "' (flags start with --)");
            }
            String name = a.substring(2), value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (switchFlags.contains(name)) {
                if (value != null) {
                    throw new UsageException("--" + name + " takes no value");
                }
                args.values.put(name, "true");
            } else if (valueFlags.contains(name)) {
                if (value == null) {
                    if (i + 1 >= argv.size()) {
                        throw new UsageException("--" + name + " needs a value");
                    }
                    value = argv.get(++i);
                }
                args.values.put(name, value);
            } else {
                Set<String> known = new TreeSet<>(valueFlags);
                known.addAll(switchFlags);
                throw new UsageException("unknown flag --" + name + " for '" + command + "' (known: --" + String.join(", --", known) + ")");
            }
        }
        return args;
    }

    public String get(String name) {
        return values.get(name);
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    /** An integer flag that must be at least {@code min}. */
    public int intValue(String name, int fallback, int min) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--" + name + " must be an integer >= " + min + ", got '" + v + "'");
    }

    /** A finite number flag in {@code [min, max]}. */
    public float floatValue(String name, float fallback, float min, float max) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            float f = Float.parseFloat(v.trim());
            if (Float.isFinite(f) && f >= min && f <= max) {
                return f;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--" + name + " must be a number in [" + min + ", " + max + "], got '" + v + "'");
    }

    /** A choice among {@code allowed}. */
    public String choice(String name, String fallback, String... allowed) {
        String v = values.getOrDefault(name, fallback);
        for (String a : allowed) {
            if (a.equals(v)) {
                return v;
            }
        }
        throw new UsageException("--" + name + " must be one of " + String.join(", ", allowed) + ", got '" + v + "'");
    }

    public String command() {
        return command;
    }
}
