package io.clnet.device.contract;

import io.clnet.device.Buffer;
import io.clnet.device.cpu.CpuDevice;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pooling, the live-buffer counter and the argument checks at the device boundary. */
interface MemoryContract extends DeviceFixture {

    @Test
    default void aClosedBufferGoesBackToThePoolAndIsReused() {
        try (Buffer warm = device().allocate(12345)) {
            assertEquals(12345, warm.length());
        }
        long before = device().backendAllocations();
        for (int step = 0; step < 5; step++) {
            try (Buffer b = device().allocate(12345)) {
                device().fill(b, step, 12345);
            }
        }
        assertEquals(before, device().backendAllocations(), "steady-state allocations must come from the pool");
    }

    @Test
    default void liveBufferCounterFollowsAllocateAndClose() {
        int before = device().liveBuffers();
        Buffer a = device().allocate(10), b = device().allocate(10);
        assertEquals(before + 2, device().liveBuffers());
        a.close();
        a.close(); // idempotent
        b.close();
        assertEquals(before, device().liveBuffers());
    }

    @Test
    default void uploadAndDownloadRespectOffsets() {
        Buffer b = allocate(8);
        device().fill(b, 0f, 8);
        device().upload(b, 3, new float[] {9, 1, 2, 3}, 1, 3);
        float[] out = new float[6];
        device().download(out, 2, b, 2, 4);
        assertEquals("[0.0, 0.0, 0.0, 1.0, 2.0, 3.0]", java.util.Arrays.toString(out));
    }

    @Test
    default void badArgumentsAreRejectedWithTheOpAndBufferNamed() {
        Buffer small = allocate(4), big = allocate(100);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> device().add(big, small, big, 100));
        assertTrue(e.getMessage().contains("add") && e.getMessage().contains("'a' holds 4 floats but needs 100"), e.getMessage());
        Buffer closed = device().allocate(4);
        closed.close();
        assertThrows(IllegalStateException.class, () -> device().fill(closed, 1f, 4));
        try (CpuDevice other = new CpuDevice(false); Buffer foreign = other.allocate(4)) {
            if (other != device()) {
                IllegalArgumentException wrongDevice = assertThrows(IllegalArgumentException.class,
                        () -> device().fill(foreign, 1f, 4));
                assertTrue(wrongDevice.getMessage().contains("lives on"), wrongDevice.getMessage());
            }
        }
    }
}
