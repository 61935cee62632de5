package io.clnet;

import io.clnet.cli.Args;
import io.clnet.cli.CompareCommand;
import io.clnet.cli.DevicesCommand;
import io.clnet.cli.EvalCommand;
import io.clnet.cli.TrainCommand;
import io.clnet.cli.UsageException;
import io.clnet.device.DeviceSelector;
import io.clnet.device.cpu.CpuThreads;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** {@code java -jar clnet.jar <command> [flags]}. Errors are one line; {@code --verbose} adds the stack trace. */
public final class Main {
    private static final String USAGE = String.join("\n",
            "usage: java --add-modules jdk.incubator.vector -jar clnet.jar <command> [flags]",
            "commands:",
            "  devices [--json] [--device auto|cpu|opencl|opencl:P:D]   list devices, their self-test, and what auto picks",
            "  train  [flags]                                          train a model (default lenet on MNIST); see below",
            "  eval --checkpoint FILE [--dataset D] [--data DIR] [--json]   test accuracy of a checkpoint",
            "  compare [flags]                                         train each model for N steps on every device; one table",
            "  help                                                    this text",
            "every command takes --device (or env CLNET_DEVICE), --threads N (or env CLNET_THREADS: the CPU backend's",
            "threads, one per core by default) and --verbose",
            "train flags:",
            TrainCommand.usage(),
            "compare flags:",
            CompareCommand.usage());

    private Main() {
    }

    public static void main(String[] argv) {
        int relaunched = Relaunch.ifNeeded(argv);
        System.exit(relaunched >= 0 ? relaunched : run(argv, System.out, System.err));
    }

    /** Runs one command; returns the exit code (0 ok, 1 failed, 2 bad usage). */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        List<String> args = Arrays.asList(argv);
        boolean verbose = args.contains("--verbose");
        if (args.isEmpty() || args.get(0).equals("help") || args.get(0).equals("--help")) {
            out.println(USAGE);
            return args.isEmpty() ? 2 : 0;
        }
        String command = args.get(0);
        List<String> rest = new ArrayList<>(args.subList(1, args.size()));
        try {
            takeThreads(rest);
            switch (command) {
                case "devices":
                    return new DevicesCommand(DeviceSelector.system())
                            .run(Args.parse(command, rest, DevicesCommand.VALUE_FLAGS, DevicesCommand.SWITCH_FLAGS), out, err);
                case "train":
                    return new TrainCommand(DeviceSelector.system())
                            .run(Args.parse(command, rest, TrainCommand.VALUE_FLAGS, TrainCommand.SWITCH_FLAGS), out);
                case "compare":
                    return new CompareCommand(DeviceSelector.system())
                            .run(Args.parse(command, rest, CompareCommand.VALUE_FLAGS, CompareCommand.SWITCH_FLAGS), out);
                case "eval":
                    return new EvalCommand(DeviceSelector.system())
                            .run(Args.parse(command, rest, EvalCommand.VALUE_FLAGS, EvalCommand.SWITCH_FLAGS), out);
                default:
                    throw new UsageException("unknown command '" + command + "' (try 'help')");
            }
        } catch (UsageException | IllegalArgumentException e) {
            err.println("clnet: " + e.getMessage());
            return 2;
        } catch (RuntimeException | LinkageError e) {
            err.println("clnet: " + command + " failed: " + e.getMessage());
            if (verbose) {
                e.printStackTrace(err);
            }
            return 1;
        }
    }

    /** Removes {@code --threads N} from {@code args} and sets it for the CPU backend, which reads it when it starts. */
    private static void takeThreads(List<String> args) {
        int at = args.indexOf("--threads");
        if (at < 0) {
            return;
        }
        if (at + 1 >= args.size()) {
            throw new UsageException("--threads needs a value");
        }
        int n = CpuThreads.parse(args.get(at + 1), "--threads");
        System.setProperty(CpuThreads.PROPERTY, Integer.toString(n));
        args.subList(at, at + 2).clear();
    }
}
