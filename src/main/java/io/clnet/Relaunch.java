package io.clnet;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts the command again in a JVM set up the way clnet needs, when {@code java -jar clnet.jar} was not:
 * <ul>
 *   <li>with {@code --add-modules jdk.incubator.vector}, so the CPU backend runs its fast GEMM;</li>
 *   <li>on Linux, with HotSpot's signal-chaining library {@code libjsig.so} preloaded: OpenCL drivers built on
 *       LLVM (PoCL among them) install signal handlers over the JVM's, and without chaining about one JVM in
 *       four died with SIGSEGV and no error report.</li>
 * </ul>
 * Costs one extra JVM start (a few hundred ms). {@code CLNET_NO_RELAUNCH=1} turns it off.
 */
final class Relaunch {
    private static final String MARK = "CLNET_RELAUNCHED";

    private Relaunch() {
    }

    /** The child's exit code when a relaunch ran, or -1 when this JVM should run the command itself. */
    static int ifNeeded(String[] argv) {
        if (System.getenv(MARK) != null || "1".equals(System.getenv("CLNET_NO_RELAUNCH"))) {
            return -1;
        }
        List<String> jvmArgs = ManagementFactory.getRuntimeMXBean().getInputArguments();
        boolean hasVector = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        Path jsig = Path.of(System.getProperty("java.home"), "lib", "libjsig.so");
        String preload = System.getenv("LD_PRELOAD");
        boolean wantJsig = System.getProperty("os.name").startsWith("Linux") && Files.isRegularFile(jsig)
                && (preload == null || !preload.contains("libjsig"));
        if (hasVector && !wantJsig) {
            return -1;
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        if (!hasVector) {
            command.add("--add-modules=jdk.incubator.vector");
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(List.of(argv));
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().put(MARK, "1");
        if (wantJsig) {
            builder.environment().put("LD_PRELOAD", jsig + (preload == null || preload.isBlank() ? "" : ":" + preload));
        }
        try {
            Process child = builder.start();
            return child.waitFor();
        } catch (java.io.IOException e) {
            return -1; // could not start a JVM: run here, as started
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }
}
