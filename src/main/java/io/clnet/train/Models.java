package io.clnet.train;

import io.clnet.nn.Sequential;
import io.clnet.nn.layers.ActivationLayer;
import io.clnet.nn.layers.Conv2d;
import io.clnet.nn.layers.Dense;
import io.clnet.nn.layers.Flatten;
import io.clnet.nn.layers.Pool2d;

/** The built-in models, by name, for 28x28x1 inputs and 10 classes. */
public final class Models {
    public static final String NAMES = "simple, lenet, mlp";

    private Models() {
    }

    public static Sequential byName(String name) {
        int[] input = {28, 28, 1};
        switch (name) {
            case "simple":
                // The seed notebooks' SimpleCNN.
                return new Sequential(input,
                        new Conv2d(1, 8, 3, 1, 1), ActivationLayer.relu(), Pool2d.max(2),
                        new Conv2d(8, 16, 3, 1, 1), ActivationLayer.relu(), Pool2d.max(2),
                        new Flatten(), new Dense(784, 10));
            case "lenet":
                return new Sequential(input,
                        new Conv2d(1, 32, 5, 1, 2), ActivationLayer.relu(), Pool2d.max(2),
                        new Conv2d(32, 64, 5, 1, 2), ActivationLayer.relu(), Pool2d.max(2),
                        new Flatten(), new Dense(3136, 1024), ActivationLayer.relu(), new Dense(1024, 10));
            case "mlp":
                return new Sequential(input, new Flatten(), new Dense(784, 256), ActivationLayer.relu(),
                        new Dense(256, 128), ActivationLayer.relu(), new Dense(128, 10));
            default:
                throw new IllegalArgumentException("unknown model '" + name + "': use one of " + NAMES);
        }
    }
}
