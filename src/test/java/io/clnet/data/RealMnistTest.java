package io.clnet.data;

import io.clnet.TestEnvironment;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Real MNIST and Fashion-MNIST, found or fetched as users get them. CI installs both; elsewhere a missing source skips. */
class RealMnistTest {

    @Test
    void mnistHasItsKnownShapeAndFirstLabels() {
        Datasets.TrainTest mnist = TestEnvironment.dataset("mnist");
        assertEquals(60000, mnist.train().size());
        assertEquals(10000, mnist.test().size());
        assertEquals(784, mnist.train().imageLength());
        float[] image = new float[784];
        assertEquals(5, mnist.train().copyExample(0, image, 0));
        assertEquals(7, mnist.test().copyExample(0, image, 0));
    }

    @Test
    void fashionMnistHasItsKnownShapeAndFirstLabels() {
        Datasets.TrainTest fashion = TestEnvironment.dataset("fashion-mnist");
        assertEquals(60000, fashion.train().size());
        assertEquals(10000, fashion.test().size());
        float[] image = new float[784];
        assertEquals(9, fashion.train().copyExample(0, image, 0));
        assertEquals(9, fashion.test().copyExample(0, image, 0));
    }
}
