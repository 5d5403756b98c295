package io.derpring.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * Turns a WebSocket connection into the plain DERP byte stream for the {@link DerpConnectionHandler} after it (Go
 * {@code wsconn.NetConn} with binary messages). Message boundaries carry no meaning: the content of each binary or
 * continuation frame goes on as it is, so a DERP frame may span messages and a message may hold several frames; the
 * DERP decoding is the plain path's. Outbound, each buffer the DERP handler writes becomes one binary frame.
 *
 * <p>Nothing is copied here: a frame's content is passed on and released by the DERP handler, as the plain path's
 * read buffers are; the one object per write is the frame Netty's encoder needs. Reading pauses ({@link ReadPause})
 * and writability are the channel's, so they act exactly as on the plain path. The DERP handler's count of frames
 * that have left the socket sees the few header bytes per message as still pending: it lags by those bytes, never
 * runs ahead.
 *
 * <p>Control: a ping is answered with a pong, a close is echoed and the connection closed; a text message (Go's
 * {@code NetConn} reads binary only) or a malformed or oversize frame ({@link WebSocketUpgrade#DECODER_CONFIG}) closes
 * the connection as a protocol error, counted in {@link ServerCounter#WEBSOCKET_PROTOCOL_ERRORS}.
 */
final class WebSocketDerpStream extends ChannelDuplexHandler {
    private final ConnectionTracker tracker;

    WebSocketDerpStream(final ConnectionTracker tracker) {
        this.tracker = tracker;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        if (msg instanceof BinaryWebSocketFrame || msg instanceof ContinuationWebSocketFrame) {
            ctx.fireChannelRead(((WebSocketFrame) msg).content()); // the frame is its content: ownership passes on
        } else if (msg instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(((PingWebSocketFrame) msg).content()), ctx.voidPromise());
        } else if (msg instanceof CloseWebSocketFrame) {
            ctx.writeAndFlush(msg).addListener(ChannelFutureListener.CLOSE); // RFC 6455 §5.5.1: echo, then close
        } else if (msg instanceof PongWebSocketFrame) {
            ((PongWebSocketFrame) msg).release();
        } else {
            ((WebSocketFrame) msg).release(); // text: DERP is binary
            refuse(ctx, WebSocketCloseStatus.INVALID_MESSAGE_TYPE);
        }
    }

    /** Closes with {@code status} after the frames already written, counted as a protocol error. */
    void refuse(final ChannelHandlerContext ctx, final WebSocketCloseStatus status) {
        tracker.counters.increment(ServerCounter.WEBSOCKET_PROTOCOL_ERRORS);
        tracker.note(ctx.channel(), ConnectionEnd.PROTOCOL_ERROR);
        ctx.writeAndFlush(new CloseWebSocketFrame(status)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void write(final ChannelHandlerContext ctx, final Object msg, final ChannelPromise promise) {
        if (msg instanceof ByteBuf) {
            ctx.write(new BinaryWebSocketFrame((ByteBuf) msg), promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    /** The decoder has answered a bad frame with its close code and is closing: count it as a protocol error. */
    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException) {
            tracker.counters.increment(ServerCounter.WEBSOCKET_PROTOCOL_ERRORS);
            tracker.closeWith(ctx.channel(), ConnectionEnd.PROTOCOL_ERROR);
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }
}
