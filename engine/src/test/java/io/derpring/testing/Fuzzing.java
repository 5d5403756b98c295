package io.derpring.testing;

/** Settings shared by every Jazzer {@code @FuzzTest} in derpring. */
public final class Fuzzing {
    /**
     * How long one target fuzzes when run with {@code JAZZER_FUZZ=1} (one target per run, as Jazzer requires): the
     * recorded runs in perf-results/2026-11-30-fuzz used it. The normal build ignores it: without JAZZER_FUZZ a fuzz
     * test only replays its corpus.
     */
    public static final String MAX_DURATION = "2m";

    private Fuzzing() {
    }
}
