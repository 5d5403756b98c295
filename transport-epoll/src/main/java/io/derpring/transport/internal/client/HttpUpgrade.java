package io.derpring.transport.internal.client;

import io.derpring.keys.NodeKey;
import io.derpring.transport.internal.tls.MetaCertificate;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandler;
import org.agrona.DirectBuffer;

/**
 * The HTTP/1.1 upgrade of one connection to DERP (SPEC §2.6): decides fast start, writes the upgrade request and
 * reads the server's response head up to its 101. Event loop only; once per connection, so it may allocate.
 */
final class HttpUpgrade {
    private final DerpNodeConnection connection;
    private final DerpClientSettings settings;
    private UpgradeResponseHead responseHead;

    HttpUpgrade(final DerpNodeConnection connection) {
        this.connection = connection;
        this.settings = connection.settings();
    }

    /**
     * The server key to fast start with after a TLS handshake: the forced test key, else the one in the DERP
     * meta-certificate of the peer chain when fast start is allowed; null to wait for the 101 and ServerKey.
     */
    NodeKey fastStartKeyAfterTls(final ChannelHandlerContext ctx) {
        NodeKey key = settings.forcedFastStartServerKey;
        if (key == null && settings.fastStartAllowed) {
            key = MetaCertificate.serverKey(ctx.pipeline().get(SslHandler.class).engine().getSession());
        }
        return key;
    }

    /**
     * Writes the upgrade request. With fast start it is not flushed (Go: "the derp.Client's initial client auth frame
     * will flush it") and no response head is awaited; otherwise it is flushed and {@link #onResponse} reads the head.
     */
    void sendRequest(final ChannelHandlerContext ctx, final boolean fastStart) {
        final byte[] request = UpgradeRequest.encode(connection.hostHeader(), settings.userAgent,
            settings.idealNodeName, fastStart);
        ctx.write(Unpooled.wrappedBuffer(request), ctx.voidPromise());
        if (!fastStart) {
            ctx.flush();
            responseHead = new UpgradeResponseHead(settings.maxResponseHeadBytes);
        }
    }

    /**
     * Takes response bytes until the head is complete.
     *
     * @return the bytes taken: all of them until the head is complete, then those up to its blank line (what follows
     * is already DERP frames)
     * @throws DerpConnectionException the head is malformed or too long, or its status is not 101 (Go's "GET failed")
     */
    int onResponse(final DirectBuffer src, final int offset, final int length) throws DerpConnectionException {
        final int taken = responseHead.onData(src, offset, length);
        if (responseHead.isComplete()
            && responseHead.statusCode() != UpgradeResponseHead.STATUS_SWITCHING_PROTOCOLS) {
            throw new DerpConnectionException(DerpConnectionException.Failure.UPGRADE_FAILED, "GET failed: "
                + UpgradeResponseHead.printable(responseHead.statusLine()) + " from " + connection.describeNode());
        }
        return taken;
    }

    /** True once the 101 head has been read: the stream is DERP from here. */
    boolean isUpgraded() {
        return responseHead.isComplete();
    }
}
