package io.derpring.internal.frame;

import java.io.IOException;

/**
 * A DERP protocol violation at an edge that throws (the handshake, API calls). Carries the typed {@link FrameError}
 * so callers can count or branch without parsing text; the message names the limit and the value seen and never
 * contains key material. The frame reader itself never throws: it reports the same errors by return value.
 */
public final class DerpProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    private final FrameError error;

    public DerpProtocolException(final FrameError error, final int frameType, final long length) {
        super(error.describe(frameType, length));
        this.error = error;
    }

    public DerpProtocolException(final FrameError error, final int frameType, final long length, final Throwable cause) {
        super(error.describe(frameType, length), cause);
        this.error = error;
    }

    public FrameError error() {
        return error;
    }
}
