package io.derpring.server;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.derpring.internal.metrics.Counters;
import io.derpring.internal.metrics.PrometheusText;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * The HTTP server of the side ports, the metrics port and the plain-HTTP port ({@code --http-listen}); a
 * {@link Responder} says what each answers. Bounded as the DERP port's HTTP stage (issue 12, D2): reading stops while
 * answers wait above the high-water mark, at most {@code maxHttpRequestsPerConnection} requests per connection (then
 * 429 and close), and each connection must complete a request and its answer within the timeout of accepting it or
 * of its previous answer leaving, else it is closed and counted (the port's timeout counter): a half-sent request is
 * not kept.
 */
final class BoundedHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    /** What a side port answers to one whole, well-formed request. */
    @FunctionalInterface
    interface Responder {
        /** The answer to {@code request}, whose request-target's path is {@code path}; runs on the event loop. */
        FullHttpResponse respond(FullHttpRequest request, String path);
    }

    private final Responder responder;
    private final Counters<ServerCounter> counters;
    private final ServerCounter timeouts;
    private final int maxRequests;
    private final long timeoutNs;
    private final ChannelFutureListener answered = this::answered;
    private ScheduledFuture<?> deadline;
    private int requests;
    /** A closing answer was sent (limit, bad request, Connection: close): requests pipelined behind it are ignored. */
    private boolean closing;

    BoundedHttpHandler(final Responder responder, final Counters<ServerCounter> counters, final ServerCounter timeouts,
                       final int maxRequests, final long timeoutNs) {
        this.responder = responder;
        this.counters = counters;
        this.timeouts = timeouts;
        this.maxRequests = maxRequests;
        this.timeoutNs = timeoutNs;
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) {
        armDeadline(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) {
        deadline.cancel(false);
        ctx.fireChannelInactive();
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest req) {
        if (closing) {
            return; // the rest of a read pass after a closing answer
        }
        if (++requests > maxRequests) {
            closing = true;
            counters.increment(ServerCounter.HTTP_REQUEST_LIMIT);
            ctx.writeAndFlush(plain(HttpResponseStatus.TOO_MANY_REQUESTS, "too many requests\n"))
                .addListener(ChannelFutureListener.CLOSE);
            HttpRouter.stopDecoding(ctx);
            return;
        }
        final String path = req.decoderResult().isSuccess() ? pathOf(req.uri()) : null;
        if (path == null) {
            // Malformed request or request-target (a bad %-escape, as HttpStageFuzzTest found on the DERP port): 400.
            closing = true;
            counters.increment(ServerCounter.HTTP_BAD_REQUESTS);
            ctx.writeAndFlush(plain(HttpResponseStatus.BAD_REQUEST, "bad request\n"))
                .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        final FullHttpResponse r = responder.respond(req, path);
        HttpUtil.setContentLength(r, r.content().readableBytes());
        if (HttpUtil.isKeepAlive(req)) {
            ctx.writeAndFlush(r).addListener(answered);
            if (!ctx.channel().isWritable()) {
                ReadPause.HTTP_BACKPRESSURE.pause(ctx.channel());
            }
        } else {
            closing = true;
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** The request-target's path, or null when it cannot be decoded. */
    private static String pathOf(final String uri) {
        try {
            return new QueryStringDecoder(uri).path();
        } catch (final IllegalArgumentException e) {
            return null;
        }
    }

    /** An answer left: the next request gets a fresh timeout. */
    private void answered(final ChannelFuture f) {
        if (f.isSuccess() && f.channel().isOpen()) {
            deadline.cancel(false);
            armDeadline(f.channel().pipeline().context(this));
        }
    }

    private void armDeadline(final ChannelHandlerContext ctx) {
        deadline = ctx.executor().schedule(() -> {
            counters.increment(timeouts);
            ctx.close();
        }, timeoutNs, TimeUnit.NANOSECONDS);
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            ReadPause.HTTP_BACKPRESSURE.resume(ctx.channel());
        }
        ctx.fireChannelWritabilityChanged();
    }

    /** The metrics port: {@code /metrics} is Prometheus text, anything else 404. */
    static Responder metrics(final Supplier<String> render) {
        return (request, path) -> path.equals("/metrics")
            ? response(HttpResponseStatus.OK, render.get(), PrometheusText.CONTENT_TYPE)
            : plain(HttpResponseStatus.NOT_FOUND, "not found\n");
    }

    static FullHttpResponse plain(final HttpResponseStatus status, final String body) {
        return response(status, body, "text/plain");
    }

    static FullHttpResponse response(final HttpResponseStatus status, final String body, final String type) {
        final FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
            Unpooled.copiedBuffer(body, UTF_8));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        HttpUtil.setContentLength(r, r.content().readableBytes());
        return r;
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        ctx.close();
    }
}
