package io.clnet.device.cpu;

import io.clnet.ChildJvm;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The slow mode of issue 20 must not come back: with {@code simple} trained before {@code lenet} in one JVM (as
 * {@code compare} runs them), C2 threw away the register kernel it had compiled for simple's shapes when lenet
 * took a branch simple never took, and in about one JVM in eight the new compile kept the accumulators on the heap
 * (lenet 3x slower). This checks both halves in a fresh JVM: that C2 deoptimizes none of the loops that carry
 * vectors (so the first compile is the last), and that a step of each later model allocates no more than a
 * few hundred KB on the heap (its batch, mostly; a boxed kernel allocates hundreds of MB a step).
 */
class KernelCompileTest {
    /** The methods whose loops carry vector accumulators; a recompile of any of them may box them. */
    private static final List<String> KERNELS = List.of(
            "io.clnet.device.cpu.VectorBlock.multiply", // multiply and multiplyTall
            "io.clnet.device.cpu.FmaPeak.block(");
    private static final long MAX_HEAP_BYTES_PER_STEP = 1 << 20;

    @Test
    void trainingModelsInTurnRecompilesNoKernelAndBoxesNothing() throws Exception {
        ChildJvm.Result r = ChildJvm.run(Map.of(), "--add-modules=jdk.incubator.vector", ModelSequenceProbe.class.getName(),
                "3", "simple", "lenet", "mlp", "simple");
        assertEquals(0, r.exit(), r.err());
        int models = 0;
        for (String line : r.out().split("\n")) {
            String[] f = line.split(" ");
            if (f[0].equals("ALLOC")) {
                // The first model may still run code C2 has not compiled yet; every later one must not box.
                assertTrue(models++ == 0 || Long.parseLong(f[2]) < MAX_HEAP_BYTES_PER_STEP, "a " + f[1] + " step allocated " + f[2]
                        + " heap bytes (boxed vectors?):\n" + r.out());
            } else if (f[0].equals("DEOPT")) {
                for (String kernel : KERNELS) {
                    assertTrue(!f[1].startsWith(kernel), "C2 deoptimized a vector kernel: " + line + "\n" + r.out());
                }
            }
        }
        assertEquals(4, models, r.out());
    }
}
