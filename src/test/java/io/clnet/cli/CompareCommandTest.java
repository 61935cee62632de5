package io.clnet.cli;

import io.clnet.data.SyntheticMnist;
import io.clnet.device.OpenClTestDevice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code compare} end to end on the CPU and the OpenCL test device, on a small synthetic MNIST. */
class CompareCommandTest {

    @Test
    void comparesDevicesWritesTableJsonAndChart(@TempDir Path tmp) throws Exception {
        String openCl = OpenClTestDevice.get().info().id();
        Path data = SyntheticMnist.write(Files.createDirectory(tmp.resolve("data")), 256, 16, 3);
        Path out = tmp.resolve("cmp");
        TrainCommandTest.Run r = TrainCommandTest.clnet("compare", "--models", "simple,mlp", "--steps", "6", "--warmup", "2", "--batch", "16",
                "--devices", "cpu," + openCl, "--data", data.toString(), "--out", out.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        String[] lines = r.out().strip().split("\n");
        String json = lines[lines.length - 1];
        assertTrue(json.startsWith("{\"command\":\"compare\",\"steps\":6,\"warmup\":2,\"batch\":16,"), json);
        assertEquals(Files.readString(out.resolve("compare.json")).strip(), json);
        assertTrue(Files.size(out.resolve("compare.png")) > 1000);
        String[] rows = json.split("\\{\"device\":");
        assertEquals(5, rows.length, "2 devices x 2 models: " + json);
        for (int i = 1; i < rows.length; i++) {
            String row = rows[i];
            assertTrue(number(row, "images_per_s") > 0, row);
            assertTrue(number(row, "mfu") > 0 && number(row, "mfu") < 1.5, row);
            assertTrue(number(row, "loss_rel_diff") < 1e-4, row);
            assertTrue(number(row, "param_rel_diff") < 1e-3, row);
            assertTrue(number(row, "first_step_rel_diff") < 1e-5, row);
            assertEquals(0, number(row, "device_allocations_timed"), row);
            assertEquals(2.0, number(row, "uploads_per_step"), row);
            assertEquals(0, number(row, "downloads_timed"), row);
        }
        assertTrue(rows[1].startsWith("\"cpu\",\"model\":\"simple\"") && rows[1].contains("\"speedup_vs_cpu\":1.0,"), rows[1]);
        assertTrue(r.out().contains("device         model     images/s"), r.out());
    }

    @Test
    void unknownModelIsAUsageError() {
        TrainCommandTest.Run r = TrainCommandTest.clnet("compare", "--models", "simple,resnet", "--devices", "cpu");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("unknown model 'resnet'"), r.err());
    }

    private static double number(String json, String key) {
        return Double.parseDouble(json.replaceAll(".*\"" + key + "\":([-0-9.E]+).*", "$1"));
    }
}
