package io.clnet.device.contract;

import io.clnet.device.Buffer;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static io.clnet.device.contract.DeviceFixture.assertClose;
import static io.clnet.device.contract.DeviceFixture.random;

/** SGD (plain, momentum, Nesterov, weight decay) and Adam over three steps against the formulas in double. */
interface OptimizerContract extends DeviceFixture {

    @Test
    default void sgdVariantsMatchTheirFormulas() {
        Random rnd = new Random(40);
        int n = 513;
        float lr = 0.1f;
        for (float[] setting : new float[][] {{0f, 0f, 0f}, {0.9f, 0f, 0f}, {0.9f, 1e-2f, 1f}, {0f, 5e-4f, 0f}}) {
            float momentum = setting[0], decay = setting[1];
            boolean nesterov = setting[2] != 0;
            float[] p0 = random(rnd, n);
            double[] p = DeviceFixture.toDouble(p0), v = new double[n];
            Buffer param = upload(p0), velocity = allocate(n), grad = allocate(n);
            device().fill(velocity, 0f, n);
            for (int step = 0; step < 3; step++) {
                float[] g = random(rnd, n);
                device().upload(grad, 0, g, 0, n);
                device().sgdUpdate(param, momentum == 0 ? null : velocity, grad, n, lr, momentum, decay, nesterov);
                for (int i = 0; i < n; i++) {
                    double gi = g[i] + decay * p[i];
                    v[i] = momentum * v[i] + gi;
                    p[i] -= lr * (momentum == 0 ? gi : nesterov ? gi + momentum * v[i] : v[i]);
                }
            }
            assertClose("sgd momentum=" + momentum + " decay=" + decay + " nesterov=" + nesterov, p, download(param), 1e-5, 1e-5);
        }
    }

    @Test
    default void adamMatchesItsFormula() {
        Random rnd = new Random(41);
        int n = 257;
        float lr = 1e-2f, b1 = 0.9f, b2 = 0.999f, eps = 1e-8f, decay = 1e-3f;
        float[] p0 = random(rnd, n);
        double[] p = DeviceFixture.toDouble(p0), m = new double[n], v = new double[n];
        Buffer param = upload(p0), mb = allocate(n), vb = allocate(n), grad = allocate(n);
        device().fill(mb, 0f, n);
        device().fill(vb, 0f, n);
        for (int t = 1; t <= 3; t++) {
            float[] g = random(rnd, n);
            device().upload(grad, 0, g, 0, n);
            device().adamUpdate(param, mb, vb, grad, n, lr, b1, b2, eps, decay, t);
            for (int i = 0; i < n; i++) {
                double gi = g[i] + decay * p[i];
                m[i] = b1 * m[i] + (1 - b1) * gi;
                v[i] = b2 * v[i] + (1 - b2) * gi * gi;
                p[i] -= lr * (m[i] / (1 - Math.pow(b1, t))) / (Math.sqrt(v[i] / (1 - Math.pow(b2, t))) + eps);
            }
        }
        assertClose("adam", p, download(param), 1e-5, 1e-4);
    }
}
