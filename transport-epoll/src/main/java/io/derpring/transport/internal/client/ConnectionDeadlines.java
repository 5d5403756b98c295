package io.derpring.transport.internal.client;

import io.netty.channel.Channel;

/**
 * The deadlines of a live connection, checked on each tick of its event loop: the keepalive deadline (nothing
 * received, SPEC §1.1), a dead socket the transport did not report ({@link TcpStateProbe}), and the write deadline
 * (the channel unwritable too long). The connect timeout before that is the connection's own. Event loop only.
 */
final class ConnectionDeadlines {
    private final DerpClientSettings settings;
    private final String node;
    private final TcpStateProbe tcpState = new TcpStateProbe();
    private boolean unwritable;
    private long unwritableSinceNs;

    /** @param node the server, as failure messages name it */
    ConnectionDeadlines(final DerpClientSettings settings, final String node) {
        this.settings = settings;
        this.node = node;
    }

    /** The channel's writability changed; the write deadline runs from the first moment it was unwritable. */
    void writable(final boolean writable) {
        if (writable) {
            unwritable = false;
        } else if (!unwritable) {
            unwritable = true;
            unwritableSinceNs = settings.nanoClock.getAsLong();
        }
    }

    /**
     * @param connected  the handshake is done (the read deadlines apply only then)
     * @param paused     our own ring paused reading: the connection is not silent, it is not being read
     * @param lastReadNs  when bytes last arrived (or reading last resumed): the TCP-state probe's silence
     * @param lastFrameNs when the last complete frame arrived (or reading last resumed): the keepalive deadline's
     *                    start; a byte of an unfinished frame does not restart it (Go sets its read deadline per
     *                    frame), so a relay dripping bytes cannot hold a dead connection open
     * @return the deadline that passed, or null
     */
    DerpConnectionException check(final long nowNs, final boolean connected, final boolean paused,
                                  final long lastReadNs, final long lastFrameNs, final Channel channel) {
        final boolean reading = connected && !paused;
        if (reading && nowNs - lastFrameNs > settings.keepAliveDeadlineNs) {
            return new DerpConnectionException(DerpConnectionException.Failure.KEEPALIVE_TIMEOUT,
                "nothing received from " + node + " for more than "
                    + settings.keepAliveDeadlineNs / 1_000_000 + " ms (keepalive deadline)");
        }
        if (reading && nowNs - lastReadNs > settings.deadlineCheckIntervalNs && tcpState.peerEnded(channel)) {
            // Silent for a tick with the socket already reset or at EOF: the transport missed it (TcpStateProbe).
            // Not while paused: bytes the ring has not taken yet may still be queued ahead of the end.
            return new DerpConnectionException(DerpConnectionException.Failure.IO_ERROR, node
                + " reset or closed the connection (TCP state; the transport did not report it)");
        }
        if (unwritable && nowNs - unwritableSinceNs > settings.writeDeadlineNs) {
            return new DerpConnectionException(DerpConnectionException.Failure.WRITE_TIMEOUT,
                "channel to " + node + " unwritable for more than "
                    + settings.writeDeadlineNs / 1_000_000 + " ms (write deadline)");
        }
        return null;
    }
}
