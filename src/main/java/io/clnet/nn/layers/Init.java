package io.clnet.nn.layers;

import java.util.Random;

/** Weight initialisation from a seeded {@link Random}, so the same seed builds the same model on every device. */
public final class Init {
    private Init() {
    }

    /** He/Kaiming normal: {@code N(0, 2/fanIn)}, for layers followed by ReLU. */
    public static float[] heNormal(int count, int fanIn, Random random) {
        float[] w = new float[count];
        double std = Math.sqrt(2.0 / fanIn);
        for (int i = 0; i < count; i++) {
            w[i] = (float) (random.nextGaussian() * std);
        }
        return w;
    }

    /** Xavier/Glorot uniform: {@code U(-a, a)} with {@code a = sqrt(6/(fanIn+fanOut))}. */
    public static float[] xavierUniform(int count, int fanIn, int fanOut, Random random) {
        float[] w = new float[count];
        double a = Math.sqrt(6.0 / (fanIn + fanOut));
        for (int i = 0; i < count; i++) {
            w[i] = (float) ((random.nextDouble() * 2 - 1) * a);
        }
        return w;
    }

    /** Which initialiser a layer with weights uses. */
    public enum Scheme {
        HE_NORMAL, XAVIER_UNIFORM;

        float[] draw(int count, int fanIn, int fanOut, Random random) {
            return this == HE_NORMAL ? heNormal(count, fanIn, random) : xavierUniform(count, fanIn, fanOut, random);
        }
    }
}
