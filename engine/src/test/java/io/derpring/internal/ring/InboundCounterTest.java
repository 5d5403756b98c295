package io.derpring.internal.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

/** The counters are exported by id with a description, so each needs a distinct id and a label. */
class InboundCounterTest {

    @Test
    void everyCounterHasADistinctPositiveId() {
        assertThat(Arrays.stream(InboundCounter.values()).mapToInt(InboundCounter::id))
            .doesNotHaveDuplicates().allMatch(id -> id > 0);
    }

    @Test
    void everyCounterHasADescription() {
        assertThat(InboundCounter.values()).allSatisfy(c -> assertThat(c.label()).isNotBlank());
    }
}
