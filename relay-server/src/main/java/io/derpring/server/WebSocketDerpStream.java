package io.derpring.server;

import io.derpring.transport.internal.OwedWebSocketPong;
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
 * and writability are the channel's, so they act exactly as on the plain path; the DERP handler adds each write's
 * frame header ({@link #frameHeaderLength}) to its byte count, so its count of frames that have wholly left the
 * socket (the write deadline) stays exact.
 *
 * <p>Control: a ping is answered with a pong only while the channel is writable, as every write here honours
 * writability: a client that pings and never reads would otherwise grow the outbound buffer without bound (pings never
 * reach the DERP handler, so its receive rate limit does not apply). While unwritable at most
 * {@link #MAX_OWED_WEBSOCKET_PONGS} pong is owed, for the latest ping (RFC 6455 §5.5.3 allows answering only the most
 * recent); it goes out when the channel is writable again, and each ping it replaced is counted in
 * {@link ServerCounter#WEBSOCKET_PONGS_SKIPPED}. The owed payload is at most 125 bytes: the decoder refuses a longer
 * control frame as a protocol error. A close is echoed and the connection closed; a text message (Go's
 * {@code NetConn} reads binary only) or a malformed or oversize frame ({@link WebSocketUpgrade#DECODER_CONFIG}) closes
 * the connection as a protocol error, counted in {@link ServerCounter#WEBSOCKET_PROTOCOL_ERRORS}.
 */
final class WebSocketDerpStream extends ChannelDuplexHandler {
    /** RFC 6455 §5.2: payloads up to 125 bytes have their length in the 2-byte header, up to 65535 in 2 more. */
    private static final int MAX_SHORT_PAYLOAD = 125;
    private static final int MAX_16_BIT_PAYLOAD = 0xFFFF;
    private static final int BASE_HEADER_BYTES = 2;
    private static final int EXTENDED_16_BIT_BYTES = 2;
    private static final int EXTENDED_64_BIT_BYTES = 8;
    /** Pongs owed while the channel is unwritable: only the latest ping's (RFC 6455 §5.5.3). */
    static final int MAX_OWED_WEBSOCKET_PONGS = OwedWebSocketPong.MAX_OWED;

    private final ConnectionTracker tracker;
    /** The pong rule under writability, shared with the other end's stream. */
    private final OwedWebSocketPong pongs;

    WebSocketDerpStream(final ConnectionTracker tracker) {
        this.tracker = tracker;
        this.pongs = new OwedWebSocketPong(() -> tracker.counters.increment(ServerCounter.WEBSOCKET_PONGS_SKIPPED));
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        if (msg instanceof BinaryWebSocketFrame || msg instanceof ContinuationWebSocketFrame) {
            ctx.fireChannelRead(((WebSocketFrame) msg).content()); // the frame is its content: ownership passes on
        } else if (msg instanceof PingWebSocketFrame) {
            pongs.onPing(ctx, ((PingWebSocketFrame) msg).content());
        } else if (msg instanceof CloseWebSocketFrame) {
            ctx.writeAndFlush(msg).addListener(ChannelFutureListener.CLOSE); // RFC 6455 §5.5.1: echo, then close
        } else if (msg instanceof PongWebSocketFrame) {
            ((PongWebSocketFrame) msg).release();
        } else {
            ((WebSocketFrame) msg).release(); // text: DERP is binary
            refuse(ctx, WebSocketCloseStatus.INVALID_MESSAGE_TYPE);
        }
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx) {
        pongs.onWritabilityChanged(ctx);
        ctx.fireChannelWritabilityChanged();
    }

    /** The channel is gone (or the stream removed): an owed pong will never be sent. */
    @Override
    public void handlerRemoved(final ChannelHandlerContext ctx) {
        pongs.release();
    }

    /** Closes with {@code status} after the frames already written, counted as a protocol error. */
    void refuse(final ChannelHandlerContext ctx, final WebSocketCloseStatus status) {
        tracker.counters.increment(ServerCounter.WEBSOCKET_PROTOCOL_ERRORS);
        tracker.note(ctx.channel(), ConnectionEnd.PROTOCOL_ERROR);
        ctx.writeAndFlush(new CloseWebSocketFrame(status)).addListener(ChannelFutureListener.CLOSE);
    }

    /** Header bytes of one unmasked (server) frame carrying {@code payloadLength} bytes. */
    static int frameHeaderLength(final int payloadLength) {
        if (payloadLength <= MAX_SHORT_PAYLOAD) {
            return BASE_HEADER_BYTES;
        }
        return BASE_HEADER_BYTES + (payloadLength <= MAX_16_BIT_PAYLOAD ? EXTENDED_16_BIT_BYTES : EXTENDED_64_BIT_BYTES);
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
