package io.clnet.nn.optim;

import io.clnet.device.Buffer;
import io.clnet.nn.Tensor;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** One zero-initialised device buffer per parameter (a momentum, a moment estimate), made on first use. */
final class StateBuffers {
    private final String name;
    private final Map<Tensor, Buffer> buffers = new IdentityHashMap<>();

    StateBuffers(String name) {
        this.name = name;
    }

    Buffer of(Tensor param) {
        return buffers.computeIfAbsent(param, p -> {
            Buffer b = p.device().allocate(p.length());
            p.device().fill(b, 0f, p.length());
            return b;
        });
    }

    void save(List<Tensor> params, Map<String, float[]> out) {
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            float[] values = new float[p.length()];
            p.device().download(values, 0, of(p), 0, p.length());
            out.put(name + "." + i, values);
        }
    }

    void load(List<Tensor> params, Map<String, float[]> in) {
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            float[] values = in.get(name + "." + i);
            if (values == null || values.length != p.length()) {
                throw new IllegalArgumentException("optimizer state " + name + "." + i + " is missing or has the wrong size for " + p);
            }
            p.device().upload(of(p), 0, values, 0, p.length());
        }
    }

    void release() {
        buffers.values().forEach(Buffer::close);
        buffers.clear();
    }
}
