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
                "--settle", "1", "--devices", "cpu," + openCl, "--data", data.toString(), "--out", out.toString(), "--json");
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
            assertTrue(number(row, "param_rel_diff_worst_tensor") < 1e-3, row);
            assertTrue(number(row, "first_step_rel_diff") < 1e-5, row);
            assertEquals(0, number(row, "device_allocations_timed"), row);
            assertEquals(2.0, number(row, "uploads_per_step"), row);
            assertEquals(0, number(row, "downloads_timed"), row);
        }
        assertTrue(rows[1].startsWith("\"cpu\",\"model\":\"simple\"") && rows[1].contains("\"speedup_vs_cpu\":1.0,"), rows[1]);
        assertTrue(r.out().contains("device         model     images/s"), r.out());
        // Each run is preceded by a throwaway one that settles the JIT for about a second: on the CPU that is
        // more than one pass over the 16 batches.
        java.util.regex.Matcher settled = java.util.regex.Pattern.compile("simple on cpu: settled with (\\d+) throwaway steps").matcher(r.out());
        assertTrue(settled.find() && Integer.parseInt(settled.group(1)) > 16, r.out());
        assertTrue(r.out().matches("(?s).*simple on " + openCl + ": settled with [1-9][0-9]* throwaway steps.*"), r.out());
        assertTrue(json.contains("\"settle_seconds\":1,"), json);
    }

    /** A device that fails in the middle of one model's run costs only that run: the others are tabled and saved. */
    @Test
    void aFailingRunIsReportedAndTheOthersAreKept(@TempDir Path tmp) throws Exception {
        Path data = SyntheticMnist.write(Files.createDirectory(tmp.resolve("data")), 128, 16, 3);
        io.clnet.device.DeviceInfo info = new io.clnet.device.DeviceInfo("opencl:0:0", "opencl", "Flaky", "GPU", 1, 1L << 30, "OpenCL 3.0");
        io.clnet.device.OpenClProvider flaky = () -> java.util.List.of(new io.clnet.device.OpenClProvider.Candidate() {
            @Override
            public io.clnet.device.DeviceInfo info() {
                return info;
            }

            @Override
            public io.clnet.device.Device open() {
                io.clnet.device.Device inner = new io.clnet.device.cpu.CpuDevice();
                return (io.clnet.device.Device) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                        new Class<?>[] {io.clnet.device.Device.class}, (proxy, method, args) -> {
                            if (method.getName().equals("info")) {
                                return info;
                            }
                            if (method.getName().equals("maxPoolBackward")) {
                                throw new IllegalStateException("CL_OUT_OF_RESOURCES (-5)");
                            }
                            try {
                                return method.invoke(inner, args);
                            } catch (java.lang.reflect.InvocationTargetException e) {
                                throw e.getCause();
                            }
                        });
            }
        });
        Path out = tmp.resolve("cmp");
        Args args = Args.parse("compare", java.util.List.of("--models", "mlp,simple", "--steps", "3", "--warmup", "1", "--batch", "16", "--settle", "1",
                "--data", data.toString(), "--out", out.toString()), CompareCommand.VALUE_FLAGS, CompareCommand.SWITCH_FLAGS);
        java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> new CompareCommand(new io.clnet.device.DeviceSelector(flaky, io.clnet.device.cpu.CpuDevice::new))
                        .run(args, new java.io.PrintStream(text, true, java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals("1 run(s) failed; the table has the others: simple on opencl:0:0: CL_OUT_OF_RESOURCES (-5)", e.getMessage());
        String json = Files.readString(out.resolve("compare.json"));
        assertEquals(4, json.split("\\{\"device\":").length, "cpu mlp, cpu simple and opencl mlp: " + json);
        assertTrue(json.contains("\"failures\":[\"simple on opencl:0:0: CL_OUT_OF_RESOURCES (-5)\"]"), json);
        assertTrue(text.toString(java.nio.charset.StandardCharsets.UTF_8).contains("simple on opencl:0:0 failed"), text.toString());
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
