package io.derpring.loadgen.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import io.derpring.runtime.InvalidConfigException;
import org.junit.jupiter.api.Test;

class FaultScheduleTest {
    static final Function<String, Duration> SECONDS = t -> Duration.ofSeconds(Long.parseLong(t.replace("s", "")));

    @Test
    void explicitEntriesComeInTimeOrder() {
        final FaultSchedule s = FaultSchedule.parse("restart:30s,reset:10s,halfopen:20s", SECONDS);
        assertThat(s.until(Duration.ofMinutes(1))).containsExactly(
            new FaultSchedule.Entry(Fault.RESET, Duration.ofSeconds(10)),
            new FaultSchedule.Entry(Fault.HALF_OPEN, Duration.ofSeconds(20)),
            new FaultSchedule.Entry(Fault.RESTART, Duration.ofSeconds(30)));
    }

    @Test
    void entriesAtOrAfterTheEndAreLeftOut() {
        final FaultSchedule s = FaultSchedule.parse("reset:10s,slow-reader:20s", SECONDS);
        assertThat(s.until(Duration.ofSeconds(20))).extracting(FaultSchedule.Entry::fault).containsExactly(Fault.RESET);
    }

    @Test
    void everyCyclesThroughAllFaultsInOrder() {
        final List<FaultSchedule.Entry> due = FaultSchedule.parse("every:10s", SECONDS).until(Duration.ofSeconds(65));
        assertThat(due).extracting(FaultSchedule.Entry::fault).containsExactly(Fault.RESET, Fault.HALF_OPEN,
            Fault.RESTART, Fault.SLOW_READER, Fault.SLOW_DATAPLANE, Fault.RESET);
        assertThat(due).extracting(FaultSchedule.Entry::at).containsExactly(Duration.ofSeconds(10),
            Duration.ofSeconds(20), Duration.ofSeconds(30), Duration.ofSeconds(40), Duration.ofSeconds(50),
            Duration.ofSeconds(60));
    }

    @Test
    void periodBelowAtAndAboveTheMinimum() {
        assertThatThrownBy(() -> FaultSchedule.every(FaultSchedule.MIN_PERIOD.minusMillis(1)))
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("at least");
        assertThat(FaultSchedule.every(FaultSchedule.MIN_PERIOD).until(Duration.ofMillis(1500))).hasSize(1);
        assertThat(FaultSchedule.every(FaultSchedule.MIN_PERIOD.plusSeconds(1)).until(Duration.ofMillis(1500)))
            .isEmpty();
    }

    @Test
    void everyStandsAlone() {
        assertThatThrownBy(() -> FaultSchedule.parse("every:10s,reset:5s", SECONDS))
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("stands alone");
    }

    @Test
    void anUnknownFaultIsNamedInTheError() {
        assertThatThrownBy(() -> FaultSchedule.parse("meltdown:5s", SECONDS))
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("meltdown");
    }

    @Test
    void anEntryWithoutATimeIsRefused() {
        assertThatThrownBy(() -> FaultSchedule.parse("reset", SECONDS)).isInstanceOf(InvalidConfigException.class)
            .hasMessageContaining("FAULT:TIME");
    }

    @Test
    void everyFaultParsesFromItsCliName() {
        for (final Fault f : Fault.values()) {
            assertThat(Fault.fromCliName(f.cliName())).isEqualTo(f);
        }
    }

    @Test
    void printsBackWhatItParsed() {
        assertThat(FaultSchedule.parse("reset:1s,halfopen:2s", SECONDS)).hasToString("reset:1000ms,halfopen:2000ms");
        assertThat(FaultSchedule.every(Duration.ofSeconds(20))).hasToString("every:20000ms");
    }
}
