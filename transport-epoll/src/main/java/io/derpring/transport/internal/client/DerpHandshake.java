package io.derpring.transport.internal.client;

import io.derpring.internal.crypto.NaclBox;
import io.derpring.internal.frame.ClientInfo;
import io.derpring.internal.frame.ClientInfoFrame;
import io.derpring.internal.frame.DerpProtocolException;
import io.derpring.internal.frame.ServerInfo;
import io.derpring.internal.frame.ServerInfoFrame;
import io.derpring.keys.NodeKey;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The DERP handshake of one connection (SPEC §2.2–§2.4): the server's key (from ServerKey, or known up front for fast
 * start) → our sealed ClientInfo → the server's sealed ServerInfo, which makes the connection connected and sets the
 * send limiter. Event loop only; once per connection, so it may allocate.
 */
final class DerpHandshake {
    private final DerpClientHandler handler;
    private final ChannelHandlerContext ctx;
    private final DerpNodeConnection connection;
    private final DerpClientSettings settings;
    private final OutboundDrain drain;
    private boolean fastStart;

    DerpHandshake(final DerpClientHandler handler, final ChannelHandlerContext ctx,
                  final DerpNodeConnection connection) {
        this.handler = handler;
        this.ctx = ctx;
        this.connection = connection;
        this.settings = connection.settings();
        this.drain = connection.drain();
    }

    /** Fast start: the key is known without a ServerKey frame (meta-certificate, or forced in tests). */
    void fastStart(final NodeKey serverKey) {
        fastStart = true;
        onServerKey(serverKey);
    }

    /** The greeting was read (or the key is known from the meta-certificate): seal and send ClientInfo. */
    void onServerKey(final NodeKey serverKey) {
        connection.serverKeyKnown(serverKey, fastStart);
        final ClientInfo info = ClientInfo.standard();
        final byte[] frame = new byte[ClientInfoFrame.frameLength(info)];
        final int length = ClientInfoFrame.seal(new NaclBox(), connection.privateKey(), serverKey, info,
            new UnsafeBuffer(frame), 0);
        ctx.writeAndFlush(Unpooled.wrappedBuffer(frame, 0, length), ctx.voidPromise());
        handler.phase(DerpClientHandler.Phase.AWAITING_SERVER_INFO);
        drain.enable(ctx); // SPEC §2.2 (B11): data may follow ClientInfo before ServerInfo arrives
    }

    void onServerInfo(final DirectBuffer buffer, final int offset, final int length) {
        final ServerInfo info;
        try {
            info = ServerInfoFrame.open(new NaclBox(), connection.privateKey(), connection.serverKey(), buffer,
                offset, length);
        } catch (final DerpProtocolException e) {
            handler.fail(e);
            return;
        }
        connection.counters().increment(ClientCounter.SERVER_INFO_RECEIVED);
        drain.limiter(SendRateLimiter.forServerInfo(info, settings.nanoClock.getAsLong()));
        handler.phase(DerpClientHandler.Phase.CONNECTED);
        connection.connected(info);
    }
}
