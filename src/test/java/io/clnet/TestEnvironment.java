package io.clnet;

import io.clnet.data.DataException;
import io.clnet.data.Datasets;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * What tests need from the machine. Under {@code CI=true} everything must be there (CI installs PoCL, npm
 * and Fashion-MNIST) and a missing piece fails the test; elsewhere it skips the test with the reason.
 */
public final class TestEnvironment {
    private TestEnvironment() {
    }

    /** Fails under CI, skips elsewhere. */
    public static void missing(String what) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail(what + " (CI=true: the tests must run; .ci/run installs what they need)");
        }
        Assumptions.abort(what);
    }

    /** MNIST or Fashion-MNIST as users get it (found or fetched). */
    public static Datasets.TrainTest dataset(String name) {
        try {
            return Datasets.load(name, null, System.out::println);
        } catch (DataException e) {
            missing(name + " cannot be loaded: " + e.getMessage());
            return null;
        }
    }
}
