package io.derpring.engine;

/**
 * Which published reconnect backoff a region follows after consecutive failed connects (SPEC §5.1). Every schedule
 * resets on success.
 */
public enum ReconnectSchedule {
    /**
     * Default. Go {@code util/backoff}: on the n-th consecutive failure (1 on the first)
     * {@code min(n²·10 ms, 5 s) × U[0.5, 1.5)}: the first retry waits 5–15 ms and no delay exceeds 7.5 s.
     */
    GO,
    /** The Rust client's HEAD: as {@link #GO} but with n counted after the delay, so the first retry is immediate. */
    RUST_HEAD,
    /** The reference multiderp's fixed 500 ms sleep. */
    FLAT_500MS
}
