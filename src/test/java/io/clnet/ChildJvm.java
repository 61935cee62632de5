package io.clnet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a class or a single-file program in a fresh JVM on the test classpath, with extra environment. */
public final class ChildJvm {
    public record Result(int exit, String out, String err) {
    }

    private ChildJvm() {
    }

    public static Result run(Map<String, String> env, String... mainAndArgs) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.addAll(List.of(mainAndArgs));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        Path outFile = java.nio.file.Files.createTempFile("clnet-child", ".out");
        Path errFile = java.nio.file.Files.createTempFile("clnet-child", ".err");
        builder.redirectOutput(outFile.toFile()).redirectError(errFile.toFile());
        Process p = builder.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("child JVM timed out: " + command);
        }
        Result r = new Result(p.exitValue(), java.nio.file.Files.readString(outFile, StandardCharsets.UTF_8),
                java.nio.file.Files.readString(errFile, StandardCharsets.UTF_8));
        java.nio.file.Files.deleteIfExists(outFile);
        java.nio.file.Files.deleteIfExists(errFile);
        return r;
    }
}
