package io.derpring.transport.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;

/**
 * The WebSocket pong rule of both ends (the relay's and the client's stream): a ping is answered only while the
 * channel is writable, as every write honours writability. A peer that pings and never reads would otherwise grow
 * the outbound buffer without bound, and pings never reach the DERP handler, so no rate limit applies to them. While
 * unwritable at most {@link #MAX_OWED} pong is owed, the latest ping's (RFC 6455 §5.5.3 allows answering only the most
 * recent); it goes out once the channel is writable again, and each ping it replaced is reported to
 * {@code onSkipped}. One per channel, used on its event loop only.
 */
public final class OwedWebSocketPong {
    /** Pongs owed while the channel is unwritable: only the latest ping's. */
    public static final int MAX_OWED = 1;

    private final Runnable onSkipped;
    /** The payload of the latest ping not answered yet (the channel was unwritable), or null. */
    private ByteBuf owed;

    /** @param onSkipped counts one ping that will never be answered (created once: nothing allocated per ping) */
    public OwedWebSocketPong(final Runnable onSkipped) {
        this.onSkipped = onSkipped;
    }

    /** A ping arrived: answered now if the channel is writable, else owed in place of any older one; owns {@code payload}. */
    public void onPing(final ChannelHandlerContext ctx, final ByteBuf payload) {
        if (owed != null) {
            owed.release();
            owed = null;
            onSkipped.run();
        }
        if (ctx.channel().isWritable()) {
            ctx.writeAndFlush(new PongWebSocketFrame(payload), ctx.voidPromise());
        } else {
            owed = payload;
        }
    }

    /** The channel's writability changed: the owed pong goes out if it is writable now. */
    public void onWritabilityChanged(final ChannelHandlerContext ctx) {
        if (owed != null && ctx.channel().isWritable()) {
            final ByteBuf payload = owed;
            owed = null;
            ctx.writeAndFlush(new PongWebSocketFrame(payload), ctx.voidPromise());
        }
    }

    /** The channel is gone (or the stream removed): an owed pong will never be sent. */
    public void release() {
        if (owed != null) {
            owed.release();
            owed = null;
        }
    }
}
