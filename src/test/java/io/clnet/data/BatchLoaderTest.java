package io.clnet.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchLoaderTest {
    /** 23 one-pixel images whose pixel value is the example's index, labelled index % 10. */
    private static Dataset numbered() {
        byte[] pixels = new byte[23], labels = new byte[23];
        for (int i = 0; i < 23; i++) {
            pixels[i] = (byte) i;
            labels[i] = (byte) (i % 10);
        }
        return new Dataset("numbered", 1, 1, 1, 10, pixels, labels);
    }

    private static List<Integer> epoch(Dataset data, int batch, boolean shuffle, long seed, List<Integer> sizes) {
        List<Integer> seen = new ArrayList<>();
        try (BatchLoader loader = new BatchLoader(data, batch, shuffle, seed)) {
            while (loader.hasNext()) {
                Batch b = loader.next();
                sizes.add(b.size());
                for (int i = 0; i < b.size(); i++) {
                    int example = Math.round(b.images()[i] * 255f);
                    assertEquals(example % 10, (int) b.labels()[i], "label travels with its image");
                    seen.add(example);
                }
            }
        }
        return seen;
    }

    @Test
    void anEpochVisitsEveryExampleOnceInSeededOrder() {
        Dataset data = numbered();
        List<Integer> sizes = new ArrayList<>();
        List<Integer> first = epoch(data, 5, true, 42, sizes);
        assertEquals(List.of(5, 5, 5, 5, 3), sizes, "the last batch is the remainder");
        assertEquals(23, new HashSet<>(first).size());
        assertEquals(first, epoch(data, 5, true, 42, new ArrayList<>()), "same seed, same order");
        assertNotEquals(first, epoch(data, 5, true, 43, new ArrayList<>()), "another seed, another order");
        List<Integer> ordered = epoch(data, 7, false, 0, new ArrayList<>());
        for (int i = 0; i < 23; i++) {
            assertEquals(i, ordered.get(i));
        }
    }

    @Test
    void aSplitDividesTheExamplesWithoutCopyingPixels() {
        Dataset[] parts = numbered().split(20, "train", "validation");
        assertEquals(20, parts[0].size());
        assertEquals(3, parts[1].size());
        Set<Integer> validation = new HashSet<>(epoch(parts[1], 2, true, 1, new ArrayList<>()));
        assertEquals(Set.of(20, 21, 22), validation);
        assertTrue(numbered().limit(4).size() == 4);
    }
}
