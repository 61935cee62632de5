package io.clnet.cli;

import io.clnet.ChildJvm;
import io.clnet.Main;
import io.clnet.device.OpenClTestDevice;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code devices} command and native-check, end to end, with and without an OpenCL driver. */
class DevicesCommandTest {
    private static final Map<String, String> NO_DRIVER = Map.of("OCL_ICD_VENDORS", "/nonexistent");

    @Test
    void withoutAnOpenClDriverDevicesListsCpuAndSaysWhyInOneLine() throws Exception {
        ChildJvm.Result r = ChildJvm.run(NO_DRIVER, "io.clnet.Main", "devices");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("cpu ") && l.contains(" ok ")), r.out());
        long reasonLines = r.out().lines().filter(l -> l.startsWith("opencl: unavailable: no OpenCL platform")).count();
        assertEquals(1, reasonLines, r.out());
        assertTrue(r.out().contains("auto picks cpu: OpenCL unavailable"), r.out());
    }

    @Test
    void withoutAnOpenClDriverAskingForOpenClFailsWithTheReason() throws Exception {
        ChildJvm.Result r = ChildJvm.run(NO_DRIVER, "io.clnet.Main", "devices", "--device", "opencl");
        assertEquals(1, r.exit(), r.out());
        assertTrue(r.err().contains("--device opencl cannot be used: no OpenCL platform"), r.err());
    }

    @Test
    void devicesJsonListsCpuAndTheOpenClDeviceWithPassingSelfTests() {
        OpenClTestDevice.get();
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int exit = Main.run(new String[] {"devices", "--json"}, new PrintStream(out, true), new PrintStream(err, true));
        String json = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
        assertTrue(json.contains("{\"id\":\"cpu\",\"backend\":\"cpu\""), json);
        assertTrue(json.matches("(?s).*\"id\":\"opencl:\\d+:\\d+\",\"backend\":\"opencl\".*"), json);
        assertTrue(!json.contains("\"self_test\":\"failed\""), json);
        assertTrue(json.contains("\"auto\":{\"id\":"), json);
    }

    @Test
    void threadsComeFromTheFlagOrTheEnvironmentAndABadValueIsNamed() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        ChildJvm.Result flag = ChildJvm.run(NO_DRIVER, "io.clnet.Main", "devices", "--threads", "1");
        assertEquals(0, flag.exit(), flag.err());
        assertTrue(flag.out().lines().anyMatch(l -> l.startsWith("cpu ") && l.contains("1 thread on " + cores + " core")), flag.out());
        ChildJvm.Result env = ChildJvm.run(Map.of("OCL_ICD_VENDORS", "/nonexistent", "CLNET_THREADS", "3"), "io.clnet.Main", "devices");
        assertTrue(env.out().lines().anyMatch(l -> l.startsWith("cpu ") && l.contains("3 threads on ")), env.out());
        ChildJvm.Result bad = ChildJvm.run(Map.of("OCL_ICD_VENDORS", "/nonexistent", "CLNET_THREADS", "lots"), "io.clnet.Main", "devices");
        assertEquals(2, bad.exit(), bad.out());
        assertTrue(bad.err().contains("CLNET_THREADS must be a whole number of threads from 1 to 1024, got 'lots'"), bad.err());
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        assertEquals(2, Main.run(new String[] {"devices", "--threads", "0"}, new PrintStream(out), new PrintStream(err, true)));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--threads must be a whole number"), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void badFlagsExitTwoWithOneLine() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int exit = Main.run(new String[] {"devices", "--jsn"}, new PrintStream(out, true), new PrintStream(err, true));
        assertEquals(2, exit);
        String message = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, message.lines().count(), message);
        assertTrue(message.contains("unknown flag --jsn for 'devices'"), message);
        assertEquals(2, Main.run(new String[] {"frobnicate"}, new PrintStream(out), new PrintStream(err)));
    }

    @Test
    void nativeCheckPassesHereAndPrintsAFixWithoutADriver() throws Exception {
        OpenClTestDevice.get();
        ChildJvm.Result ok = ChildJvm.run(Map.of(), "native-check/NativeCheck.java");
        assertEquals(0, ok.exit(), ok.out() + ok.err());
        assertEquals(8, ok.out().lines().filter(l -> l.startsWith("checking ") && l.contains("... ok")).count(), ok.out());
        ChildJvm.Result broken = ChildJvm.run(NO_DRIVER, "native-check/NativeCheck.java");
        assertEquals(1, broken.exit(), broken.out());
        assertTrue(broken.out().contains("first failing check: OpenCL ICD files"), broken.out());
        assertTrue(broken.out().contains("fix: unset OCL_ICD_VENDORS"), broken.out());
    }
}
