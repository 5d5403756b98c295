package io.derpring.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class MemorySamplerTest {
    @Test
    void seriesKeepFirstLastMinAndMax() {
        final MemorySampler.Series s = new MemorySampler.Series();
        s.add(5);
        s.add(9);
        s.add(2);
        s.add(7);
        assertThat(s.toMap()).containsExactly(Map.entry("first", 5L), Map.entry("last", 7L), Map.entry("min", 2L),
            Map.entry("max", 9L));
    }

    @Test
    void anEmptySeriesSaysSo() {
        assertThat(new MemorySampler.Series().toMap()).containsEntry("first", -1L).containsEntry("min", -1L)
            .containsEntry("max", -1L);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aSampleAfterACollectionReadsTheHeapAndDirectMemory() {
        final MemorySampler m = new MemorySampler();
        System.gc(); // the heap series starts with the first collection
        m.sample();
        final Map<String, Object> report = m.toMap();
        assertThat(report.get("samples")).isEqualTo(1L);
        assertThat(((Map<String, Long>) report.get("heap_after_gc_bytes")).get("last")).isPositive();
        assertThat(((Map<String, Long>) report.get("direct_buffers_bytes")).get("last")).isNotNegative();
    }
}
