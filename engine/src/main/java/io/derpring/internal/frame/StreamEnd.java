package io.derpring.internal.frame;

/** How the byte stream ended, from {@link FrameReader#onEndOfStream()}. */
public enum StreamEnd {
    /** At a frame boundary: a clean close. */
    CLEAN,
    /** Inside a frame header (Go: io.EOF from the header read; the server closes quietly, a client reports it). */
    TRUNCATED_HEADER,
    /** Inside a frame payload: a connection error. */
    TRUNCATED_PAYLOAD,
    /** The reader had already failed (or ended); the earlier outcome stands. */
    ALREADY_CLOSED
}
