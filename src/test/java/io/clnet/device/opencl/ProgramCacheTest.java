package io.clnet.device.opencl;

import io.clnet.device.Buffer;
import io.clnet.device.OpenClTestDevice;
import io.clnet.device.OpenClProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgramCacheTest {

    private static ClDevice open(Path cacheDir) {
        OpenClTestDevice.get(); // fails under CI, skips elsewhere, when there is no OpenCL device
        List<OpenClProvider.Candidate> candidates = new ClPlatforms(cacheDir).discover();
        return (ClDevice) candidates.get(0).open();
    }

    @Test
    void aSecondStartLoadsProgramBinariesInsteadOfRebuilding(@TempDir Path cacheDir) throws Exception {
        try (ClDevice first = open(cacheDir)) {
            first.buildProgram("pool.cl", "");
            assertTrue(first.programsBuiltFromSource() >= 2, "first start builds from source");
            assertEquals(0, first.programsLoadedFromCache());
        }
        try (var files = Files.list(cacheDir)) {
            assertTrue(files.anyMatch(f -> f.toString().endsWith(".bin")), "binaries written to " + cacheDir);
        }
        try (ClDevice second = open(cacheDir)) {
            second.buildProgram("pool.cl", "");
            assertEquals(0, second.programsBuiltFromSource(), "second start must not compile anything");
            assertTrue(second.programsLoadedFromCache() >= 2);
            // and the cached binary really works
            try (Buffer b = second.allocate(3)) {
                second.fill(b, 4f, 3);
                float[] out = new float[3];
                second.download(out, 0, b, 0, 3);
                assertEquals(4f, out[2]);
            }
        }
    }

    @Test
    void aCorruptCachedBinaryIsRebuiltFromSource(@TempDir Path cacheDir) throws Exception {
        try (ClDevice first = open(cacheDir)) {
            assertTrue(first.programsBuiltFromSource() >= 1);
        }
        try (var files = Files.list(cacheDir)) {
            for (Path f : files.toList()) {
                Files.write(f, new byte[] {1, 2, 3});
            }
        }
        try (ClDevice second = open(cacheDir)) {
            assertTrue(second.programsBuiltFromSource() >= 1, "a rejected binary falls back to the source");
        }
    }

    @Test
    void aFailedBuildNamesTheFileTheOptionsAndCarriesTheLog() {
        ClDevice device = (ClDevice) OpenClTestDevice.get();
        KernelBuildException e = assertThrows(KernelBuildException.class,
                () -> device.buildProgram("broken_for_test.cl", "-DCLNET_TEST=1"));
        assertEquals("broken_for_test.cl", e.file());
        assertEquals("-DCLNET_TEST=1", e.options());
        assertTrue(e.buildLog().contains("undefined_identifier"), e.buildLog());
        assertTrue(e.getMessage().contains("CL_BUILD_PROGRAM_FAILURE (-11)"), e.getMessage());
    }

    @Test
    void errorCodesAreReportedByName() {
        assertEquals("CL_OUT_OF_RESOURCES (-5)", ClErrors.name(-5));
        assertEquals("CL_INVALID_KERNEL_ARGS (-52)", ClErrors.name(-52));
    }
}
