package io.clnet.device;

import io.clnet.device.contract.AllContracts;
import io.clnet.device.cpu.CpuDevice;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The contract on the CPU backend with its fast Vector API GEMM (Surefire starts the JVM with the module). */
class CpuVectorContractTest implements AllContracts {
    private static final CpuDevice DEVICE = new CpuDevice(true);
    private final List<Buffer> buffers = new ArrayList<>();

    @BeforeAll
    static void vectorPathIsTheOneUnderTest() {
        assertTrue(DEVICE.info().version().contains("Vector API"), "expected the Vector API GEMM, got " + DEVICE.info().version());
    }

    /**
     * simple's first layer (a one-channel image into 8 out-channels under a 2x2 pool) runs with its pool as one op and
     * keeps no output for the backward; lenet's (32 out-channels, more than a vector) keeps it.
     */
    @Test
    void aOneChannelFirstLayerKeepsNoOutputUnderItsMaxPool() {
        Window2d simple = Window2d.square(128, 28, 28, 1, 3, 1, 1), lenet = Window2d.square(128, 28, 28, 1, 5, 1, 2);
        assertEquals(0, DEVICE.convMaxPoolKeptLength(simple, Window2d.square(128, 28, 28, 8, 2, 2, 0), 8));
        Window2d lenetPool = Window2d.square(128, 28, 28, 32, 2, 2, 0);
        assertEquals(lenetPool.inputLength(), DEVICE.convMaxPoolKeptLength(lenet, lenetPool, 32));
    }

    /**
     * lenet's first layer keeps its output, and its weight gradient routes the pool's gradient as it reads it: one
     * op, no pool pass; under a pool that does not tile the output, the pool's backward runs as an op of its own.
     */
    @Test
    void aKeptOutputsWeightGradientRoutesTheMaxPoolsGradientWithoutAPoolPass() {
        Window2d conv = Window2d.square(2, 8, 8, 1, 5, 1, 2);
        Window2d tiled = Window2d.square(2, 8, 8, 32, 2, 2, 0), overlapping = Window2d.square(2, 8, 8, 32, 3, 2, 1);
        Profiler profiler = DEVICE.profiler();
        for (Window2d pool : List.of(tiled, overlapping)) {
            profiler.reset();
            profiler.setEnabled(true);
            try {
                DEVICE.convBackwardWeightsThroughMaxPool(allocate(32 * 25), allocate(32), allocate(pool.outputLength()),
                        allocate(pool.inputLength()), pool, allocate(conv.inputLength()), allocate(32 * 25), allocate(32), null, conv, 32);
            } finally {
                profiler.setEnabled(false);
            }
            assertEquals(pool == tiled ? 0 : 1, profiler.calls(OpKind.POOL), "pool passes under " + pool);
            assertEquals(1, profiler.calls(OpKind.CONV_BACKWARD_WEIGHTS), "weight gradient passes under " + pool);
        }
    }

    @Override
    public Device device() {
        return DEVICE;
    }

    @Override
    public List<Buffer> buffers() {
        return buffers;
    }
}
