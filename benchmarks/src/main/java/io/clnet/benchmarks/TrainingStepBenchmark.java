package io.clnet.benchmarks;

import io.clnet.data.Batch;
import io.clnet.nn.Sequential;
import io.clnet.nn.Tensor;
import io.clnet.nn.optim.Sgd;
import io.clnet.train.Models;
import io.clnet.train.Trainer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.Random;

/**
 * One whole training step (upload, forward, loss, backward, SGD with momentum) of a built-in model at
 * batch 128 per backend. Images/s = 128 / time; the model's training FLOPs per image give GFLOP/s.
 */
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class TrainingStepBenchmark extends DeviceBenchmark {
    private static final int BATCH = 128;

    @Param({"simple", "lenet"})
    public String model;

    private Sequential net;
    private Sgd optimizer;
    private Trainer trainer;
    private List<Tensor> params;
    private Batch batch;

    @Setup
    public void setUp() {
        open();
        net = Models.byName(model).build(device, 1);
        optimizer = new Sgd(0.01f, 0.9f, false, 0f);
        trainer = new Trainer(net, optimizer, Integer.MAX_VALUE);
        params = net.parameters();
        Random random = new Random(3);
        float[] images = new float[BATCH * 28 * 28], labels = new float[BATCH];
        for (int i = 0; i < images.length; i++) {
            images[i] = random.nextFloat();
        }
        for (int i = 0; i < BATCH; i++) {
            labels[i] = random.nextInt(10);
        }
        batch = new Batch(images, labels, BATCH);
    }

    @Benchmark
    public void step() {
        trainer.step(batch, new int[] {BATCH, 28, 28, 1}, params, (loss, logits, labels) -> {
        });
        device.finish();
    }
}
