package io.clnet.device;

import io.clnet.device.cpu.CpuDevice;
import io.clnet.device.opencl.ClPlatforms;
import io.clnet.device.opencl.KernelBuildException;
import org.jocl.CLException;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every way OpenCL can be missing or broken, injected through {@link OpenClProvider}, ends where it should. */
class DeviceSelectorTest {

    private static final DeviceInfo FAKE_GPU = new DeviceInfo("opencl:0:0", "opencl", "Fake GPU", "GPU", 8, 1L << 30, "OpenCL 3.0");
    private static final DeviceInfo FAKE_CPU = new DeviceInfo("opencl:0:1", "opencl", "Fake CPU", "CPU", 2, 1L << 30, "OpenCL 3.0");

    private static OpenClProvider throwing(DeviceUnavailableException e) {
        return () -> {
            throw e;
        };
    }

    private static OpenClProvider.Candidate candidate(DeviceInfo info, Supplier<Device> open) {
        return new OpenClProvider.Candidate() {
            @Override
            public DeviceInfo info() {
                return info;
            }

            @Override
            public Device open() {
                return open.get();
            }
        };
    }

    /** A device that reports {@code info} and computes like the CPU backend, except where {@code corrupt} says. */
    private static Device lookalike(DeviceInfo info, boolean corrupt) {
        CpuDevice inner = new CpuDevice(false);
        return (Device) Proxy.newProxyInstance(Device.class.getClassLoader(), new Class<?>[] {Device.class}, (proxy, method, args) -> {
            if (method.getName().equals("info")) {
                return info;
            }
            Object result = method.invoke(inner, args);
            if (corrupt && method.getName().equals("download")) {
                ((float[]) args[0])[(int) args[1]] += 1f;
            }
            return result;
        });
    }

    private static DeviceSelector selector(OpenClProvider provider) {
        return new DeviceSelector(provider, () -> new CpuDevice(false));
    }

    @Test
    void noOpenClLoaderFallsBackToCpuSayingWhy() {
        OpenClProvider noLoader = throwing(ClPlatforms.unavailable(new UnsatisfiedLinkError("libOpenCL.so.1: cannot open shared object")));
        DeviceSelector.Selection s = selector(noLoader).select("auto");
        assertEquals("cpu", s.device().info().id());
        assertTrue(s.reason().startsWith("OpenCL unavailable: no OpenCL loader"), s.reason());
        assertTrue(s.reason().contains("pocl-opencl-icd"), "the reason says what to install: " + s.reason());
        DeviceUnavailableException asked = assertThrows(DeviceUnavailableException.class, () -> selector(noLoader).select("opencl"));
        assertTrue(asked.getMessage().contains("no OpenCL loader"), asked.getMessage());
    }

    @Test
    void noPlatformFallsBackToCpuSayingWhy() {
        OpenClProvider noPlatform = throwing(ClPlatforms.unavailable(new CLException("CL_PLATFORM_NOT_FOUND_KHR", -1001)));
        DeviceSelector.Selection s = selector(noPlatform).select("auto");
        assertEquals("cpu", s.device().info().id());
        assertTrue(s.reason().contains("no OpenCL platform") && s.reason().contains("CL_PLATFORM_NOT_FOUND_KHR (-1001)"), s.reason());
        assertThrows(DeviceUnavailableException.class, () -> selector(noPlatform).select("opencl:0:0"));
    }

    @Test
    void onlyAnOpenClCpuDeviceMeansAutoPicksTheCpuBackendButOpenClCanBeAskedFor() {
        OpenClProvider cpuOnly = () -> List.of(candidate(FAKE_CPU, () -> lookalike(FAKE_CPU, false)));
        DeviceSelector.Selection auto = selector(cpuOnly).select("auto");
        assertEquals("cpu", auto.device().info().id());
        assertTrue(auto.reason().contains("no OpenCL GPU or accelerator") && auto.reason().contains("--device opencl"), auto.reason());
        assertEquals("opencl:0:1", selector(cpuOnly).select("opencl").device().info().id());
        assertEquals("opencl:0:1", selector(cpuOnly).select("opencl:0:1").device().info().id());
    }

    @Test
    void aWorkingGpuIsWhatAutoPicks() {
        OpenClProvider both = () -> List.of(candidate(FAKE_CPU, () -> lookalike(FAKE_CPU, false)),
                candidate(FAKE_GPU, () -> lookalike(FAKE_GPU, false)));
        DeviceSelector.Selection s = selector(both).select("auto");
        assertEquals("opencl:0:0", s.device().info().id());
        assertEquals("opencl:0:0", selector(both).select("opencl").device().info().id(), "opencl prefers the GPU too");
    }

    @Test
    void aKernelThatDoesNotBuildFallsBackToCpuWithTheReason() {
        OpenClProvider badBuild = () -> List.of(candidate(FAKE_GPU, () -> {
            throw new KernelBuildException("im2col.cl", "", "CL_BUILD_PROGRAM_FAILURE (-11)", "error: something\nmore log");
        }));
        DeviceSelector.Selection s = selector(badBuild).select("auto");
        assertEquals("cpu", s.device().info().id());
        assertTrue(s.reason().contains("opencl:0:0 did not open: kernel kernels/im2col.cl did not build"), s.reason());
        assertTrue(!s.reason().contains("more log"), "one line: " + s.reason());
        DeviceUnavailableException asked = assertThrows(DeviceUnavailableException.class, () -> selector(badBuild).select("opencl"));
        assertTrue(asked.getMessage().contains("did not build"), asked.getMessage());
    }

    @Test
    void aDeviceThatFailsItsSelfTestIsNeverUsed() {
        OpenClProvider wrong = () -> List.of(candidate(FAKE_GPU, () -> lookalike(FAKE_GPU, true)));
        DeviceSelector.Selection s = selector(wrong).select("auto");
        assertEquals("cpu", s.device().info().id());
        assertTrue(s.reason().contains("opencl:0:0 failed its self-test: gemm differs from the CPU backend"), s.reason());
        assertThrows(DeviceUnavailableException.class, () -> selector(wrong).select("opencl"));
        DeviceSelector.Survey survey = selector(wrong).survey();
        assertEquals(2, survey.devices().size());
        assertTrue(survey.devices().get(1).failure().contains("self-test"), survey.devices().get(1).failure());
        assertEquals("cpu", survey.autoId());
    }

    @Test
    void aClBlastThatDoesNotLoadFallsBackToCpu() {
        OpenClProvider noBlast = () -> List.of(candidate(FAKE_GPU, () -> {
            throw new DeviceUnavailableException("the CLBlast native library did not load (libclblast.so: not found)");
        }));
        DeviceSelector.Selection s = selector(noBlast).select("auto");
        assertEquals("cpu", s.device().info().id());
        assertTrue(s.reason().contains("CLBlast"), s.reason());
    }

    @Test
    void explicitSpecsAreHonouredOrRejected() {
        OpenClProvider none = List::of;
        assertEquals("cpu", selector(none).select("cpu").device().info().id());
        DeviceUnavailableException missing = assertThrows(DeviceUnavailableException.class, () -> selector(none).select("opencl:3:1"));
        assertTrue(missing.getMessage().contains("no OpenCL device opencl:3:1"), missing.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> selector(none).select("cuda"));
        assertTrue(unknown.getMessage().contains("unknown device 'cuda'"), unknown.getMessage());
    }

    @Test
    void theSelfTestPassesOnTheCpuBackend() {
        try (CpuDevice cpu = new CpuDevice(true)) {
            assertSame(null, SelfTest.run(cpu));
        }
    }
}
