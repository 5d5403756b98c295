package io.derpring.region;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * A region (or the home region) did not connect, meaning no ServerInfo arrived, within the time allowed. The
 * engine keeps retrying with its backoff; only the wait ended. {@link #getCause()} is the region's last connection
 * error (a refused dial, a failed handshake), or null when no attempt had failed yet (still dialing, or the region is
 * not in the DERP map).
 */
public final class RegionConnectTimeoutException extends TimeoutException {
    private static final long serialVersionUID = 1L;

    private final int regionId;
    private final Duration timeout;

    public RegionConnectTimeoutException(final int regionId, final Duration timeout, final Throwable lastError) {
        super("region " + regionId + " not connected within " + timeout
            + (lastError == null ? "; no connection attempt had failed" : "; last connection error: " + describe(lastError)));
        this.regionId = regionId;
        this.timeout = timeout;
        initCause(lastError);
    }

    /** The region waited for; 0 when the engine had no home region when the wait for {@code connected()} ended. */
    public int regionId() {
        return regionId;
    }

    /** How long the wait lasted. */
    public Duration timeout() {
        return timeout;
    }

    private static String describe(final Throwable error) {
        return error.getClass().getSimpleName() + (error.getMessage() == null ? "" : ": " + error.getMessage());
    }
}
