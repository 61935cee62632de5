import io.clnet.data.Datasets;
import io.clnet.device.Device;
import io.clnet.device.DeviceSelector;
import io.clnet.nn.Sequential;
import io.clnet.nn.layers.ActivationLayer;
import io.clnet.nn.layers.Conv2d;
import io.clnet.nn.layers.Dense;
import io.clnet.nn.layers.Flatten;
import io.clnet.nn.layers.Pool2d;
import io.clnet.nn.optim.Sgd;
import io.clnet.train.EpochStats;
import io.clnet.train.Progress;
import io.clnet.train.Trainer;

public class TrainMnist {
    public static void main(String[] args) {
        DeviceSelector.Selection best = DeviceSelector.system().select("auto");
        System.out.println("device " + best.device().info() + ": " + best.reason());
        try (Device device = best.device()) {
            Datasets.TrainTest mnist = Datasets.load("mnist", null, System.out::println);
            Sequential model = new Sequential(new int[] {28, 28, 1},
                    new Conv2d(1, 16, 3, 1, 1), ActivationLayer.relu(), Pool2d.max(2),
                    new Conv2d(16, 32, 3, 1, 1), ActivationLayer.relu(), Pool2d.max(2),
                    new Flatten(), new Dense(7 * 7 * 32, 10)).build(device, 42);
            System.out.print(model.summary());
            Trainer trainer = new Trainer(model, new Sgd(0.05f, 0.9f, false, 0f), 50);
            int maxSteps = args.length > 0 ? Integer.parseInt(args[0]) : 0; // 0: the whole epoch
            trainer.trainEpoch(mnist.train(), 128, 1, maxSteps, new Progress(System.out, false, "epoch 1"));
            EpochStats test = trainer.evaluate(mnist.test(), 500);
            System.out.printf("test accuracy %.2f%%%n", 100 * test.accuracy());
            model.release();
        }
    }
}
