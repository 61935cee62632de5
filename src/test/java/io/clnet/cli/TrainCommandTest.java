package io.clnet.cli;

import io.clnet.Main;
import io.clnet.data.SyntheticMnist;
import io.clnet.train.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code train} and {@code eval} end to end on a tiny synthetic dataset, on the CPU backend. */
class TrainCommandTest {
    record Run(int exit, String out, String err) {
    }

    static Run clnet(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int exit = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void trainWritesHistoryPlotsAndCheckpointsAndEndsWithJson(@TempDir Path tmp) throws Exception {
        Path data = SyntheticMnist.write(Files.createDirectory(tmp.resolve("data")), 256, 64, 1);
        Path out = tmp.resolve("run");
        Run r = clnet("train", "--model", "mlp", "--data", data.toString(), "--epochs", "2", "--batch", "32", "--optimizer", "sgd", "--lr", "0.05",
                "--momentum", "0.9", "--device", "cpu", "--out", out.toString(), "--validation", "64", "--json");
        assertEquals(0, r.exit(), r.err());
        String[] lines = r.out().strip().split("\n");
        String json = lines[lines.length - 1];
        assertTrue(json.startsWith("{\"device\":\"cpu\",\"model\":\"mlp\",\"dataset\":\"mnist\",\"epochs\":2,\"steps\":12,"), json);
        double accuracy = Double.parseDouble(json.replaceAll(".*\"test_acc\":([0-9.E-]+).*", "$1"));
        assertTrue(accuracy > 0.9, "the synthetic classes are easy to separate: " + json);
        for (String f : new String[] {"history.csv", "history.json", "loss.png", "accuracy.png", "checkpoint-epoch1.clnet",
                "checkpoint-epoch2.clnet"}) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        java.util.List<String> csv = Files.readAllLines(out.resolve("history.csv"));
        assertEquals(3, csv.size());
        assertTrue(csv.get(0).contains("validation_loss,validation_acc"), csv.get(0));
        assertTrue(csv.get(2).split(",")[5].matches("0\\.\\d+|1\\.0+"), "validation accuracy recorded: " + csv.get(2));
        assertTrue(r.out().contains("validation: the last 64 training images are held out"), r.out());

        Run eval = clnet("eval", "--checkpoint", out.resolve("checkpoint-epoch2.clnet").toString(), "--data", data.toString(),
                "--device", "cpu", "--json");
        assertEquals(0, eval.exit(), eval.err());
        assertTrue(eval.out().contains("\"test_acc\":" + json.replaceAll(".*\"test_acc\":([0-9.E-]+).*", "$1")),
                "eval of the last checkpoint repeats the training run's test accuracy:\n" + eval.out() + "\n" + json);
    }

    @Test
    void resumingAfterEpochOneEndsAtTheSameWeightsAsAnUninterruptedRun(@TempDir Path tmp) throws Exception {
        Path data = SyntheticMnist.write(Files.createDirectory(tmp.resolve("data")), 192, 32, 2);
        for (String[] optimizer : new String[][] {{"--optimizer", "sgd", "--lr", "0.05", "--momentum", "0.9"}, {"--optimizer", "adam"}}) {
            String[] common = concat(optimizer, "--model", "simple", "--data", data.toString(), "--batch", "32", "--device", "cpu",
                    "--seed", "7");
            Path run = Files.createDirectory(tmp.resolve(optimizer[1]));
            resumeMatches(run, common);
        }
    }

    private static void resumeMatches(Path tmp, String[] common) {
        Run whole = clnet(concat(common, "train", "--epochs", "2", "--out", tmp.resolve("whole").toString()));
        assertEquals(0, whole.exit(), whole.err());
        Run first = clnet(concat(common, "train", "--epochs", "1", "--out", tmp.resolve("parts").toString()));
        assertEquals(0, first.exit(), first.err());
        Run rest = clnet(concat(common, "train", "--epochs", "2", "--out", tmp.resolve("parts").toString(),
                "--resume", tmp.resolve("parts/checkpoint-epoch1.clnet").toString()));
        assertEquals(0, rest.exit(), rest.err());
        assertTrue(rest.out().contains("resuming simple after epoch 1"), rest.out());
        Map<String, float[]> a = Checkpoint.read(tmp.resolve("whole/checkpoint-epoch2.clnet")).arrays();
        Map<String, float[]> b = Checkpoint.read(tmp.resolve("parts/checkpoint-epoch2.clnet")).arrays();
        assertEquals(a.keySet(), b.keySet());
        for (String name : a.keySet()) {
            assertArrayEquals(a.get(name), b.get(name), name + " differs between the resumed and the uninterrupted run");
        }
    }

    @Test
    void brokenDataFilesGiveOneLineNamingTheFile(@TempDir Path tmp) throws Exception {
        Path data = SyntheticMnist.write(Files.createDirectory(tmp.resolve("data")), 20, 10, 3);
        Path images = data.resolve("train-images-idx3-ubyte");
        byte[] good = Files.readAllBytes(images);

        Files.write(images, Arrays.copyOf(good, good.length - 100));
        expectOneLineError(data, images + ": truncated");

        Files.write(images, good);
        byte[] badMagic = good.clone();
        badMagic[2] = 0x09;
        Files.write(images, badMagic);
        expectOneLineError(data, images + ": wrong magic number");

        Files.write(images, good);
        Path labels = data.resolve("t10k-labels-idx1-ubyte");
        byte[] labelBytes = Files.readAllBytes(labels);
        Files.write(labels, java.nio.ByteBuffer.allocate(8 + 9).putInt(0x00000801).putInt(9).put(labelBytes, 8, 9).array());
        expectOneLineError(data, labels + ": 9 labels, expected 10");
    }

    @Test
    void aNanLossStopsWithOneLineAndKeepsTheLastGoodCheckpoint(@TempDir Path tmp) throws Exception {
        Path data = SyntheticMnist.write(Files.createDirectory(tmp.resolve("data")), 128, 32, 4);
        Path out = tmp.resolve("run");
        String[] common = {"--model", "mlp", "--data", data.toString(), "--batch", "32", "--device", "cpu", "--out", out.toString()};
        assertEquals(0, clnet(concat(common, "train", "--epochs", "1")).exit());
        Path good = out.resolve("checkpoint-epoch1.clnet");
        byte[] goodBytes = Files.readAllBytes(good);
        // A checkpoint whose output bias has a NaN (ReLU would hide one inside the network): the next
        // epoch's logits, and so its loss, are NaN from its first step.
        Checkpoint c = Checkpoint.read(good);
        Map<String, float[]> arrays = new java.util.LinkedHashMap<>(c.arrays());
        float[] bias = arrays.get("param.5").clone();
        bias[0] = Float.NaN;
        arrays.put("param.5", bias);
        Path poisoned = tmp.resolve("poisoned.clnet");
        new Checkpoint(c.settings(), arrays).write(poisoned);

        Run r = clnet(concat(common, "train", "--epochs", "3", "--resume", poisoned.toString()));
        assertEquals(1, r.exit(), r.out());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("the training loss became NaN by step") && r.err().contains("the last good checkpoint is kept"), r.err());
        assertArrayEquals(goodBytes, Files.readAllBytes(good), "the last good checkpoint is untouched");
        assertTrue(Files.notExists(out.resolve("checkpoint-epoch2.clnet")), "no checkpoint is written from a diverged epoch");
    }

    @Test
    void badFlagsExitTwoWithOneLine() {
        Run r = clnet("train", "--epochs", "zero");
        assertEquals(2, r.exit());
        assertEquals("clnet: --epochs must be an integer >= 1, got 'zero'", r.err().strip());
        assertEquals(2, clnet("train", "--model", "resnet").exit());
        assertEquals(2, clnet("eval").exit());
    }

    private static void expectOneLineError(Path data, String expected) {
        Run r = clnet("train", "--model", "mlp", "--data", data.toString(), "--device", "cpu", "--epochs", "1");
        assertEquals(1, r.exit(), r.out());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(expected), r.err());
    }

    private static String[] concat(String[] common, String... extra) {
        String[] all = Arrays.copyOf(extra, extra.length + common.length);
        System.arraycopy(common, 0, all, extra.length, common.length);
        return all;
    }
}
