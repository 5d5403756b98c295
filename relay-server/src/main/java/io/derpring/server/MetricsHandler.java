package io.derpring.server;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.function.Supplier;

import io.netty.buffer.Unpooled;
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

/** {@code GET /metrics} on the metrics port: Prometheus text. Anything else is 404. */
final class MetricsHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final Supplier<String> render;

    MetricsHandler(final Supplier<String> render) {
        this.render = render;
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest req) {
        final boolean found = new QueryStringDecoder(req.uri()).path().equals("/metrics");
        final FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
            found ? HttpResponseStatus.OK : HttpResponseStatus.NOT_FOUND,
            Unpooled.copiedBuffer(found ? render.get() : "not found\n", UTF_8));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, found ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain");
        HttpUtil.setContentLength(r, r.content().readableBytes());
        if (HttpUtil.isKeepAlive(req)) {
            ctx.writeAndFlush(r, ctx.voidPromise());
        } else {
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        ctx.close();
    }
}
