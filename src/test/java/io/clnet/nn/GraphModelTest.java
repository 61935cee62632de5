package io.clnet.nn;

import io.clnet.data.Datasets;
import io.clnet.data.SyntheticMnist;
import io.clnet.device.Device;
import io.clnet.device.OpenClTestDevice;
import io.clnet.device.cpu.CpuDevice;
import io.clnet.nn.layers.ActivationLayer;
import io.clnet.nn.layers.Conv2d;
import io.clnet.nn.layers.Dense;
import io.clnet.nn.layers.Dropout;
import io.clnet.nn.layers.Flatten;
import io.clnet.nn.layers.GlobalAvgPool;
import io.clnet.nn.layers.Pool2d;
import io.clnet.nn.optim.Adam;
import io.clnet.train.EpochStats;
import io.clnet.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GraphModelTest {

    /** conv -> relu, a 1x1 shortcut, their sum and their concatenation, pooled to a classifier. */
    static GraphModel residualNet() {
        GraphModel.Builder g = new GraphModel.Builder(new int[] {28, 28, 1});
        GraphModel.Node x = g.apply(Pool2d.max(2), g.input());                       // [14,14,1]
        GraphModel.Node main = g.apply(ActivationLayer.relu(), g.apply(new Conv2d(1, 8, 3, 1, 1), x));
        GraphModel.Node shortcut = g.apply(new Conv2d(1, 8, 1, 1, 0), x);
        GraphModel.Node joined = g.concat(g.add(main, shortcut), shortcut);           // [14,14,16]
        GraphModel.Node pooled = g.apply(Pool2d.avg(2), joined);                      // [7,7,16]
        GraphModel.Node features = g.apply(new Dropout(0.1f), g.apply(new Flatten(), pooled));
        return g.output(g.apply(new Dense(784, 10), features));
    }

    @Test
    void shapesAreCheckedAsNodesAreAdded() {
        GraphModel.Builder g = new GraphModel.Builder(new int[] {8, 8, 3});
        GraphModel.Node a = g.apply(new Conv2d(3, 4, 3, 1, 1), g.input());
        GraphModel.Node b = g.apply(new Conv2d(3, 4, 3, 2, 1), g.input());
        IllegalArgumentException add = assertThrows(IllegalArgumentException.class, () -> g.add(a, b));
        assertEquals("node 3 (add) needs equal shapes, got [8, 8, 4] and [4, 4, 4]", add.getMessage());
        IllegalArgumentException dense = assertThrows(IllegalArgumentException.class, () -> g.apply(new Dense(256, 10), a));
        assertTrue(dense.getMessage().startsWith("node 3 (dense 256->10) does not fit: dense 256->10: expects input [256], got [8, 8, 4]"),
                dense.getMessage());
        assertEquals("[8, 8, 8]", Arrays.toString(g.concat(a, a).shape()));
    }

    @Test
    void aChainGraphComputesWhatTheSameSequentialDoes() {
        try (CpuDevice d = new CpuDevice(false)) {
            Sequential seq = new Sequential(new int[] {6, 6, 2}, new Conv2d(2, 3, 3, 1, 1), ActivationLayer.tanh(),
                    new GlobalAvgPool(), new Dense(3, 4)).build(d, 5);
            GraphModel.Builder g = new GraphModel.Builder(new int[] {6, 6, 2});
            GraphModel.Node h = g.apply(ActivationLayer.tanh(), g.apply(new Conv2d(2, 3, 3, 1, 1), g.input()));
            GraphModel graph = g.output(g.apply(new Dense(3, 4), g.apply(new GlobalAvgPool(), h))).build(d, 5);
            float[] input = new float[2 * 72];
            for (int i = 0; i < input.length; i++) {
                input[i] = (float) Math.sin(i);
            }
            try (Tape tape = new Tape(d)) {
                Tensor x = tape.input(input, 2, 6, 6, 2);
                assertArrayEquals(seq.forward(x, false).toHost(), graph.forward(x, false).toHost());
            }
            assertTrue(graph.summary().contains("total parameters: " + seq.parameterCount()), graph.summary());
            seq.release();
            graph.release();
            assertEquals(0, d.liveBuffers());
        }
    }

    @Test
    void aResidualConcatNetTrainsOnBothBackends(@TempDir Path tmp) throws Exception {
        Datasets.TrainTest data = Datasets.load("mnist", SyntheticMnist.write(tmp, 512, 128, 4), s -> { });
        try (CpuDevice cpu = new CpuDevice(true)) {
            trainAndCheck(cpu, data);
        }
        trainAndCheck(OpenClTestDevice.get(), data);
    }

    private static void trainAndCheck(Device device, Datasets.TrainTest data) {
        int live = device.liveBuffers();
        GraphModel model = residualNet().build(device, 11);
        Adam adam = new Adam(0.01f);
        Trainer trainer = new Trainer(model, adam, 4);
        trainer.trainEpoch(data.train(), 32, 1, 0, new Trainer.Listener() { });
        EpochStats test = trainer.evaluate(data.test(), 64);
        assertTrue(test.accuracy() > 0.9, device.info().id() + ": the synthetic classes are easy, got " + test.accuracy());
        adam.release();
        model.release();
        assertEquals(live, device.liveBuffers(), "model, optimizer state and every step's buffers are freed");
    }
}
