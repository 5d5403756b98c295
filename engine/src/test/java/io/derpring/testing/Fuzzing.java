package io.derpring.testing;

/** Settings shared by every Jazzer {@code @FuzzTest} in derpring. */
public final class Fuzzing {
    /**
     * How long one target fuzzes when run with {@code JAZZER_FUZZ=1} (one target per run, as Jazzer requires; see
     * perf-results/2026-11-30-fuzz/run.sh, whose runs used 5 or 2 minutes). The normal build ignores it: without
     * JAZZER_FUZZ a fuzz test only replays its corpus.
     */
    public static final String MAX_DURATION = "5m";

    private Fuzzing() {
    }
}
