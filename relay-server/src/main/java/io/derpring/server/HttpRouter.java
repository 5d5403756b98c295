package io.derpring.server;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.Locale;

import io.derpring.keys.NodeKey;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;

/**
 * The HTTP/1.1 side of the DERP port (SPEC §2.6; Go {@code derphttp.Handler}, {@code ProbeHandler},
 * {@code ServeNoContent}). Requests are answered when their last content arrives (bodies are discarded):
 * <ul>
 *   <li>{@code /derp/probe}, {@code /derp/latency-check}: GET/HEAD 200 with {@code Access-Control-Allow-Origin: *},
 *       other methods 405;</li>
 *   <li>{@code /generate_204}: 204, echoing a valid {@code X-Tailscale-Challenge};</li>
 *   <li>{@code /derp} with {@code Upgrade: websocket} and a {@code Sec-WebSocket-Protocol} containing "derp": the
 *       WebSocket handshake, then DERP inside binary messages ({@link WebSocketUpgrade}, {@link WebSocketDerpStream});</li>
 *   <li>{@code /derp} with {@code Upgrade: DERP} or {@code websocket} (any case; Go accepts both, for very early
 *       clients): the exact 101 of §2.6, or nothing with {@code Derp-Fast-Start: 1}; then the HTTP codec leaves the
 *       pipeline and DERP starts. Any other Upgrade value or none: 426 "DERP requires connection upgrade".</li>
 * </ul>
 * Unread answers cannot pile up (issue 12, D1): while they wait above the write-buffer high-water mark, reading stops
 * ({@link ReadPause#HTTP_BACKPRESSURE}) until they drain to the low mark; and a connection gets at most
 * {@code maxHttpRequestsPerConnection} requests before its upgrade, the next one is answered 429 and the connection
 * closed and counted. The handshake deadline bounds how long the HTTP stage may last.
 */
final class HttpRouter extends SimpleChannelInboundHandler<HttpObject> {
    static final String UPGRADE_REQUIRED_BODY = "DERP requires connection upgrade";
    static final String BOGUS_PROBE_BODY = "bogus probe method";
    /** derper.go ServeNoContent: challenges longer than this are not echoed. */
    static final int MAX_CHALLENGE_LENGTH = 64;
    static final String CHALLENGE_HEADER = "X-Tailscale-Challenge";
    static final String RESPONSE_HEADER = "X-Tailscale-Response";
    static final String NO_CACHE = "no-cache, no-store, must-revalidate, no-transform, max-age=0";

    private final ServerContext server;
    private final HandshakeDeadline deadline;
    private HttpRequest request;
    private int requests;
    /**
     * A closing answer was sent (Connection: close, a bad request, the request limit): requests pipelined behind it
     * in the same read are ignored (found by HttpStageFuzzTest), so nothing is routed, counted or written after it.
     */
    private boolean closing;

    HttpRouter(final ServerContext server, final HandshakeDeadline deadline) {
        this.server = server;
        this.deadline = deadline;
    }

    /** SPEC §2.6: the bytes Go's handler writes after hijacking the connection, in this order. */
    static byte[] switchingProtocols(final NodeKey serverKey) {
        return ("HTTP/1.1 101 Switching Protocols\r\n"
            + "Upgrade: DERP\r\n"
            + "Connection: Upgrade\r\n"
            + "Derp-Version: 2\r\n"
            + "Derp-Public-Key: " + serverKey.toHex() + "\r\n"
            + "\r\n").getBytes(US_ASCII);
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final HttpObject msg) {
        if (closing) {
            return;
        }
        if (msg.decoderResult().isFailure()) {
            badRequest(ctx);
            return;
        }
        if (msg instanceof HttpRequest) {
            if (++requests > server.settings().maxHttpRequestsPerConnection) {
                server.tracker().counters.increment(ServerCounter.HTTP_REQUEST_LIMIT);
                respond(ctx, HttpResponseStatus.TOO_MANY_REQUESTS, "too many requests\n", false);
                stopDecoding(ctx);
                return;
            }
            request = (HttpRequest) msg;
            server.tracker().counters.increment(ServerCounter.HTTP_REQUESTS);
        }
        if (msg instanceof LastHttpContent && request != null) {
            final HttpRequest r = request;
            request = null;
            route(ctx, r);
        }
    }

    private void route(final ChannelHandlerContext ctx, final HttpRequest r) {
        final String path;
        try {
            path = new QueryStringDecoder(r.uri()).path();
        } catch (final IllegalArgumentException e) {
            // A bad %-escape (found by HttpStageFuzzTest): Go's net/http answers an unparsable target with 400 too.
            badRequest(ctx);
            return;
        }
        final boolean keepAlive = HttpUtil.isKeepAlive(r);
        switch (path) {
            case "/derp/probe":
            case "/derp/latency-check":
                server.tracker().counters.increment(ServerCounter.HTTP_PROBES);
                if (r.method().equals(HttpMethod.GET) || r.method().equals(HttpMethod.HEAD)) {
                    final FullHttpResponse ok = response(HttpResponseStatus.OK, null);
                    ok.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
                    send(ctx, ok, keepAlive);
                } else {
                    respond(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, BOGUS_PROBE_BODY, keepAlive);
                }
                return;
            case "/generate_204":
                server.tracker().counters.increment(ServerCounter.HTTP_NO_CONTENT);
                send(ctx, noContent(r.headers().get(CHALLENGE_HEADER)), keepAlive);
                return;
            case "/derp":
                final String header = r.headers().get(HttpHeaderNames.UPGRADE);
                final String upgrade = header == null ? "" : header.toLowerCase(Locale.ROOT);
                if (WebSocketUpgrade.isDerpWebSocket(upgrade, r.headers())) {
                    webSocketUpgrade(ctx, r);
                } else if (upgrade.equals("derp") || upgrade.equals(WebSocketUpgrade.UPGRADE_VALUE)) {
                    upgrade(ctx, "1".equals(r.headers().get("Derp-Fast-Start")));
                } else {
                    server.tracker().counters.increment(ServerCounter.HTTP_UPGRADE_REQUIRED);
                    respond(ctx, HttpResponseStatus.UPGRADE_REQUIRED, UPGRADE_REQUIRED_BODY, keepAlive);
                }
                return;
            case "/":
                respond(ctx, HttpResponseStatus.OK, "derpring DERP relay\n", keepAlive);
                return;
            default:
                server.tracker().counters.increment(ServerCounter.HTTP_NOT_FOUND);
                respond(ctx, HttpResponseStatus.NOT_FOUND, "not found\n", keepAlive);
        }
    }

    /** Malformed request: 400, counted, and the connection closes (the rest of the stream cannot be trusted). */
    private void badRequest(final ChannelHandlerContext ctx) {
        server.tracker().counters.increment(ServerCounter.HTTP_BAD_REQUESTS);
        server.tracker().note(ctx.channel(), ConnectionEnd.HTTP);
        respond(ctx, HttpResponseStatus.BAD_REQUEST, "bad request", false);
    }

    /** B36: 204 always; the response header only for a challenge of at most 64 chars of {@code [a-zA-Z0-9._:-]}. */
    static FullHttpResponse noContent(final String challenge) {
        final FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
        if (challenge != null && isValidChallenge(challenge)) {
            r.headers().set(RESPONSE_HEADER, "response " + challenge);
        }
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, NO_CACHE);
        return r;
    }

    static boolean isValidChallenge(final String c) {
        if (c.length() > MAX_CHALLENGE_LENGTH) {
            return false;
        }
        for (int i = 0; i < c.length(); i++) {
            final char ch = c.charAt(i);
            final boolean ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')
                || ch == '.' || ch == '_' || ch == ':' || ch == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * Hands the connection to DERP. The DERP handler goes in after this one, then this handler and the codec leave;
     * bytes the codec had read past the request (a fast-start client's ClientInfo) reach the DERP handler, which holds
     * them until the 101 and ServerKey are written.
     */
    private void upgrade(final ChannelHandlerContext ctx, final boolean fastStart) {
        server.tracker().counters.increment(fastStart ? ServerCounter.HTTP_FAST_STARTS : ServerCounter.HTTP_UPGRADES);
        ReadPause.HTTP_BACKPRESSURE.resume(ctx.channel()); // DERP reads on; earlier answers still drain first
        final DerpConnectionHandler derp = new DerpConnectionHandler(server,
            server.shardFor(ctx.channel().eventLoop()), deadline, false);
        ctx.pipeline().addAfter(ctx.name(), "derp", derp);
        ctx.pipeline().remove(this);
        ctx.pipeline().remove(HttpServerCodec.class);
        derp.start(fastStart ? null : Unpooled.wrappedBuffer(server.upgradeResponse()));
    }

    /**
     * Answers the WebSocket handshake and puts the WebSocket codec between the socket and DERP, in place of the HTTP
     * codec: encoder, decoder, then {@link WebSocketDerpStream}, then the same {@link DerpConnectionHandler} as the
     * plain upgrade. The 101 is encoded by the HTTP codec before it leaves; bytes it had read past the request reach
     * the WebSocket decoder. Like Go, a client that did not offer exactly "derp" gets the 101 and then a close
     * (policy violation).
     */
    private void webSocketUpgrade(final ChannelHandlerContext ctx, final HttpRequest r) {
        final FullHttpResponse answer;
        try {
            answer = WebSocketUpgrade.handshakeResponse(r);
        } catch (final WebSocketHandshakeException e) {
            badRequest(ctx); // no key or another version: Go's websocket.Accept answers 400 as well
            return;
        }
        server.tracker().counters.increment(ServerCounter.HTTP_WEBSOCKET_UPGRADES);
        final DerpConnectionHandler derp = WebSocketUpgrade.selectedDerp(answer)
            ? new DerpConnectionHandler(server, server.shardFor(ctx.channel().eventLoop()), deadline, false, true) : null;
        ReadPause.HTTP_BACKPRESSURE.resume(ctx.channel());
        ctx.write(answer, ctx.voidPromise());
        final WebSocketDerpStream stream = new WebSocketDerpStream(server.tracker());
        ctx.pipeline().addAfter(ctx.name(), "ws-encoder", new WebSocket13FrameEncoder(false));
        ctx.pipeline().addAfter("ws-encoder", "ws-decoder", new WebSocket13FrameDecoder(WebSocketUpgrade.DECODER_CONFIG));
        ctx.pipeline().addAfter("ws-decoder", "ws-derp", stream);
        if (derp != null) {
            ctx.pipeline().addAfter("ws-derp", "derp", derp);
        }
        ctx.pipeline().remove(this);
        ctx.pipeline().remove(HttpServerCodec.class);
        if (derp != null) {
            derp.start(null);
        } else {
            deadline.complete();
            stream.refuse(ctx.pipeline().context(stream), WebSocketCloseStatus.POLICY_VIOLATION);
        }
    }

    /**
     * A connection past its request limit is closing: read nothing more, and drop the rest of this read undecoded
     * (a pipelining flood would otherwise have its whole buffer parsed into requests that are never answered).
     */
    static void stopDecoding(final ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(false);
        final HttpServerCodec codec = ctx.pipeline().get(HttpServerCodec.class);
        if (codec != null) {
            codec.removeInboundHandler(); // its leftover bytes pass down the pipeline and are released at its tail
        }
    }

    private static FullHttpResponse response(final HttpResponseStatus status, final String body) {
        final ByteBuf content = body == null ? Unpooled.EMPTY_BUFFER : Unpooled.copiedBuffer(body, UTF_8);
        final FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        if (body != null) {
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        }
        return r;
    }

    private void respond(final ChannelHandlerContext ctx, final HttpResponseStatus status, final String body,
                         final boolean keepAlive) {
        send(ctx, response(status, body), keepAlive);
    }

    private void send(final ChannelHandlerContext ctx, final FullHttpResponse r, final boolean keepAlive) {
        HttpUtil.setContentLength(r, r.content().readableBytes());
        if (keepAlive) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.write(r, ctx.voidPromise()); // flushed once per read pass, not once per pipelined request
            if (!ctx.channel().isWritable()) {
                ReadPause.HTTP_BACKPRESSURE.pause(ctx.channel());
            }
        } else {
            closing = true;
            server.tracker().note(ctx.channel(), ConnectionEnd.HTTP);
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx) {
        ctx.flush();
        ctx.fireChannelReadComplete();
    }

    /** A connection that ends before its upgrade: its handshake timer need not hold it for the rest of the deadline. */
    @Override
    public void channelInactive(final ChannelHandlerContext ctx) {
        deadline.complete();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            ReadPause.HTTP_BACKPRESSURE.resume(ctx.channel());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        server.tracker().closeWith(ctx.channel(), ConnectionEnd.IO_ERROR);
    }
}
