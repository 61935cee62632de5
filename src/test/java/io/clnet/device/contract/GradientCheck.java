package io.clnet.device.contract;

import io.clnet.device.Buffer;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Central finite differences of {@code L(x) = sum(w * forward(x))}: the backward op given {@code dOut = w} must
 * return {@code dL/dx}. Runs the device's own forward, so it checks that forward and backward agree.
 */
final class GradientCheck {
    interface Forward {
        void run(Buffer out, Buffer in);
    }

    interface Backward {
        void run(Buffer dIn, Buffer dOut, Buffer in);
    }

    private GradientCheck() {
    }

    static void check(DeviceFixture f, String what, float[] x, int outLength, Forward forward, Backward backward) {
        Random rnd = new Random(x.length * 31L + outLength);
        float[] w = DeviceFixture.random(rnd, outLength);
        Buffer in = f.upload(x), dOut = f.upload(w), dIn = f.allocate(x.length);
        backward.run(dIn, dOut, in);
        float[] analytic = f.download(dIn);
        float h = 1e-2f;
        int checks = Math.min(x.length, 24);
        for (int t = 0; t < checks; t++) {
            int i = x.length <= 24 ? t : rnd.nextInt(x.length);
            double numeric = (loss(f, x, i, h, w, forward) - loss(f, x, i, -h, w, forward)) / (2 * h);
            double tol = 2e-3 + 1e-2 * Math.abs(numeric);
            if (!(Math.abs(analytic[i] - numeric) <= tol)) {
                fail(what + ": d/dx[" + i + "] is " + analytic[i] + " but finite differences give " + numeric);
            }
        }
    }

    private static double loss(DeviceFixture f, float[] x, int i, float delta, float[] w, Forward forward) {
        float[] moved = x.clone();
        moved[i] += delta;
        Buffer in = f.upload(moved), out = f.allocate(w.length);
        forward.run(out, in);
        float[] y = f.download(out);
        double sum = 0;
        for (int j = 0; j < y.length; j++) {
            sum += (double) w[j] * y[j];
        }
        return sum;
    }
}
