package io.clnet.device.contract;

import io.clnet.device.Buffer;
import io.clnet.device.Device;
import org.junit.jupiter.api.AfterEach;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What every contract test needs: the device under test, buffers that are closed after each test (then the
 * live-buffer counter must be back at zero), random data and a tolerance check {@code atol + rtol*|ref|}.
 */
interface DeviceFixture {

    Device device();

    /** Buffers made by this test instance; closed after each test. */
    List<Buffer> buffers();

    @AfterEach
    default void closeBuffersAndCheckNoneLeaked() {
        buffers().forEach(Buffer::close);
        buffers().clear();
        assertEquals(0, device().liveBuffers(), "buffers still live on " + device().info().id() + " after the test");
    }

    default Buffer upload(float[] data) {
        Buffer b = allocate(data.length);
        device().upload(b, 0, data, 0, data.length);
        return b;
    }

    default Buffer allocate(int length) {
        Buffer b = device().allocate(length);
        buffers().add(b);
        return b;
    }

    default float[] download(Buffer b) {
        float[] out = new float[b.length()];
        device().download(out, 0, b, 0, out.length);
        return out;
    }

    static float[] random(Random rnd, int length) {
        float[] x = new float[length];
        for (int i = 0; i < length; i++) {
            x[i] = rnd.nextFloat() * 2 - 1;
        }
        return x;
    }

    /** Small integers: products and sums of them are exact in float, so GEMM must match to the bit. */
    static float[] randomIntegers(Random rnd, int length) {
        float[] x = new float[length];
        for (int i = 0; i < length; i++) {
            x[i] = rnd.nextInt(7) - 3;
        }
        return x;
    }

    static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }

    /** Fails on the first element outside {@code atol + rtol*|want|}, naming it and the case. */
    static void assertClose(String what, double[] want, float[] got, double atol, double rtol) {
        assertEquals(want.length, got.length, what + ": length");
        for (int i = 0; i < want.length; i++) {
            double tol = atol + rtol * Math.abs(want[i]);
            if (!(Math.abs(got[i] - want[i]) <= tol)) {
                fail(what + ": element " + i + " is " + got[i] + ", expected " + want[i] + " (tolerance " + tol + ")");
            }
        }
    }
}
