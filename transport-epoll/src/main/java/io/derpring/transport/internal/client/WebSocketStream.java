package io.derpring.transport.internal.client;

import java.net.URI;

import io.derpring.internal.metrics.Counters;
import io.derpring.transport.internal.OwedWebSocketPong;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker13;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;

/**
 * The client side of DERP over WebSocket (Go {@code derphttp/websocket.go}, used for {@code ws://} / {@code wss://}
 * URLs): Netty's RFC 6455 handshake with {@code Sec-WebSocket-Protocol: derp}, then the DERP byte stream in binary
 * messages. It sits between the HTTP codec (TLS before it) and {@link DerpClientHandler}:
 * <ul>
 *   <li>{@link #start} writes the upgrade request; the verified 101 (accept key, subprotocol derp) fires
 *       {@link Event#UPGRADED} to the DERP handler, and Netty's handshaker swaps the HTTP codec for the WebSocket
 *       one (bytes after the 101 reach the WebSocket decoder). Anything but a valid 101 fails the connection as
 *       {@link DerpConnectionException.Failure#UPGRADE_FAILED} (Go: "GET failed").</li>
 *   <li>in: each binary or continuation frame's content goes on as it is, so message boundaries mean nothing and the
 *       DERP framing is the plain path's; a close is echoed and ends the connection; a text message or a bad or
 *       oversize frame (a control frame over 125 bytes included) is
 *       {@link DerpConnectionException.Failure#WEBSOCKET_ERROR}.</li>
 *   <li>pings are answered only while the channel is writable, as every write honours writability (a server that
 *       pings and never reads would otherwise grow the outbound buffer without bound): while unwritable at most
 *       {@link #MAX_OWED_WEBSOCKET_PONGS} pong is owed, for the latest ping (RFC 6455 §5.5.3 allows answering only
 *       the most recent), sent once writable; each ping it replaced is counted in
 *       {@link ClientCounter#WEBSOCKET_PONGS_SKIPPED}.</li>
 *   <li>out: each buffer the DERP side writes becomes one binary frame (masked, as a client's must be).</li>
 * </ul>
 * Nothing is copied here; the one object per write is the frame Netty's encoder needs.
 */
final class WebSocketStream extends ChannelDuplexHandler {
    /** The subprotocol Go's client offers and its server selects. */
    static final String SUBPROTOCOL = "derp";
    static final String PATH = "/derp";
    /**
     * Largest frame payload read from the server: above the largest DERP frame (5-byte header, 32-byte key, 64 KiB
     * packet), which Go's server and ours send as one message at most; a larger frame fails the connection.
     */
    static final int MAX_FRAME_PAYLOAD_BYTES = 128 * 1024;
    /** The HTTP status line of a refused upgrade is at most this long in the failure message. */
    private static final int MAX_INITIAL_LINE_BYTES = 4096;
    private static final int MAX_CHUNK_BYTES = 8192;
    /** Pongs owed while the channel is unwritable: only the latest ping's (RFC 6455 §5.5.3). */
    static final int MAX_OWED_WEBSOCKET_PONGS = OwedWebSocketPong.MAX_OWED;

    /** Fired to the DERP handler once the 101 is verified: every byte from here on is DERP. */
    enum Event { UPGRADED }

    private final WebSocketClientHandshaker handshaker;
    private final String description;
    private final Counters<ClientCounter> counters;
    /** The pong rule under writability, shared with the other end's stream. */
    private final OwedWebSocketPong pongs;

    WebSocketStream(final String hostName, final int port, final boolean tls, final String userAgent,
                    final String description, final Counters<ClientCounter> counters) {
        final URI uri = URI.create((tls ? "wss://" : "ws://") + hostName + ':' + port + PATH);
        final HttpHeaders headers = new DefaultHttpHeaders().set(HttpHeaderNames.USER_AGENT, userAgent);
        this.handshaker = new WebSocketClientHandshaker13(uri, WebSocketVersion.V13, SUBPROTOCOL, false, headers,
            MAX_FRAME_PAYLOAD_BYTES, true, false);
        this.description = description;
        this.counters = counters;
        this.pongs = new OwedWebSocketPong(() -> counters.increment(ClientCounter.WEBSOCKET_PONGS_SKIPPED));
    }

    /** Puts the HTTP codec (for the handshake only), then this stream, at the end of {@code channel}'s pipeline. */
    void addTo(final Channel channel, final int maxResponseHeadBytes) {
        channel.pipeline().addLast("ws-http", new HttpClientCodec(MAX_INITIAL_LINE_BYTES, maxResponseHeadBytes,
            MAX_CHUNK_BYTES));
        channel.pipeline().addLast("ws-http-aggregator", new HttpObjectAggregator(maxResponseHeadBytes));
        channel.pipeline().addLast("ws-derp", this);
    }

    /** Writes the upgrade request; a write failure fails the connection. */
    void start(final Channel channel) {
        handshaker.handshake(channel).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                channel.pipeline().fireExceptionCaught(f.cause());
            }
        });
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        if (msg instanceof BinaryWebSocketFrame || msg instanceof ContinuationWebSocketFrame) {
            ctx.fireChannelRead(((WebSocketFrame) msg).content()); // the frame is its content: ownership passes on
        } else if (msg instanceof FullHttpResponse) {
            finishHandshake(ctx, (FullHttpResponse) msg);
        } else if (msg instanceof PingWebSocketFrame) {
            pongs.onPing(ctx, ((PingWebSocketFrame) msg).content());
        } else if (msg instanceof CloseWebSocketFrame) {
            ctx.writeAndFlush(msg).addListener(ChannelFutureListener.CLOSE); // RFC 6455 §5.5.1: echo, then close
        } else if (msg instanceof PongWebSocketFrame) {
            ((PongWebSocketFrame) msg).release();
        } else if (msg instanceof WebSocketFrame) {
            ((WebSocketFrame) msg).release();
            ctx.fireExceptionCaught(new DerpConnectionException(DerpConnectionException.Failure.WEBSOCKET_ERROR,
                description + " sent a text message; DERP over WebSocket is binary"));
        } else {
            ctx.fireChannelRead(msg);
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

    private void finishHandshake(final ChannelHandlerContext ctx, final FullHttpResponse response) {
        try {
            if (handshaker.isHandshakeComplete()) {
                return; // a second response: nothing a DERP server sends; dropped
            }
            handshaker.finishHandshake(ctx.channel(), response);
        } catch (final WebSocketHandshakeException e) {
            ctx.fireExceptionCaught(new DerpConnectionException(DerpConnectionException.Failure.UPGRADE_FAILED,
                "GET failed: " + response.status() + " from " + description + " (" + e.getMessage() + ")", e));
            return;
        } finally {
            response.release();
        }
        ctx.fireUserEventTriggered(Event.UPGRADED);
    }

    @Override
    public void write(final ChannelHandlerContext ctx, final Object msg, final ChannelPromise promise) {
        if (msg instanceof ByteBuf) {
            ctx.write(new BinaryWebSocketFrame((ByteBuf) msg), promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException) {
            ctx.fireExceptionCaught(new DerpConnectionException(DerpConnectionException.Failure.WEBSOCKET_ERROR,
                description + " sent a bad WebSocket frame: " + cause.getMessage(), cause));
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }
}
