package io.clnet;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Java example in README.md is src/test/java/TrainMnist.java word for word, compiles with the tests, and runs. */
class ReadmeExampleTest {

    @Test
    void theReadmeShowsTheExampleThatTheBuildCompiles() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        String example = Files.readString(Path.of("src/test/java/TrainMnist.java"));
        assertTrue(readme.contains("```java\n" + example + "```"),
                "README.md must contain src/test/java/TrainMnist.java verbatim in a ```java block");
    }

    @Test
    void theExampleTrainsBriefly() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        TestEnvironment.dataset("mnist"); // present (fetched if need be) before the example runs
        try {
            Class.forName("TrainMnist").getMethod("main", String[].class).invoke(null, (Object) new String[] {"30"});
        } catch (java.lang.reflect.InvocationTargetException e) {
            Assertions.fail("the README example failed: " + e.getCause(), e.getCause());
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertTrue(out.matches("(?s).*test accuracy (\\d+\\.\\d+)%.*"), out);
        double accuracy = Double.parseDouble(out.replaceAll("(?s).*test accuracy (\\d+\\.\\d+)%.*", "$1"));
        assertTrue(accuracy > 70, "30 steps with momentum already classify most digits: " + out);
    }
}
