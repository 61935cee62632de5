package io.clnet.pytorch;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.clnet.data.Batch;
import io.clnet.data.BatchLoader;
import io.clnet.data.Dataset;
import io.clnet.data.Datasets;
import io.clnet.train.Checkpoint;
import io.clnet.train.Models;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * PyTorch's side of {@code clnet eval}: {@code EvalRun pytorch MODEL CHECKPOINT} loads a clnet checkpoint's
 * weights into the DJL model and reports test accuracy and mean loss over the test set, in batches of 500 as
 * {@code clnet eval} does, without gradients. {@link VsPyTorch} times the whole process.
 */
public final class EvalRun {
    private static final int BATCH = 500;

    public static void main(String[] args) {
        String model = args[1];
        Checkpoint checkpoint = Checkpoint.read(Path.of(args[2]));
        Dataset test = Datasets.load("mnist", null, System.err::println).test();
        List<float[]> weights = new ArrayList<>();
        for (int i = 0; checkpoint.arrays().containsKey("param." + i); i++) {
            weights.add(checkpoint.arrays().get("param." + i));
        }
        try (Model torch = Model.newInstance(model, ai.djl.Device.cpu(), "PyTorch")) {
            Block block = TorchModels.block(model);
            torch.setBlock(block);
            NDManager manager = torch.getNDManager();
            block.initialize(manager, DataType.FLOAT32, new Shape(BATCH, 1, 28, 28));
            TorchModels.copyWeights(Models.byName(model), weights, block);
            ParameterStore store = new ParameterStore(manager, false);
            double lossSum = 0;
            long correct = 0;
            try (BatchLoader batches = new BatchLoader(test, BATCH, false, 0)) {
                while (batches.hasNext()) {
                    Batch batch = batches.next();
                    try (NDManager step = manager.newSubManager()) {
                        NDArray x = step.create(FloatBuffer.wrap(batch.images(), 0, batch.size() * 784), new Shape(batch.size(), 1, 28, 28));
                        NDArray y = step.create(FloatBuffer.wrap(batch.labels(), 0, batch.size()), new Shape(batch.size()));
                        NDArray logits = block.forward(store, new NDList(x), false).singletonOrThrow();
                        NDArray logProbabilities = logits.logSoftmax(1);
                        lossSum -= logProbabilities.gather(y.toType(DataType.INT64, false).reshape(-1, 1), 1).sum().getFloat();
                        correct += logits.argMax(1).eq(y.toType(DataType.INT64, false)).sum().getLong();
                    }
                }
            }
            System.out.printf(Locale.ROOT, "RESULT framework=pytorch model=%s accuracy=%.2f%% loss=%.4f%n", model,
                    100.0 * correct / test.size(), lossSum / test.size());
        }
    }
}
