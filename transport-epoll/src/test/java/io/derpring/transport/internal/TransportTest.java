package io.derpring.transport.internal;

import io.derpring.transport.Transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(60)
class TransportTest {

    static java.util.List<Transport> transports() {
        return Transport.available();
    }

    @Test
    void detectPicksTheBestAvailableTransport() {
        assertThat(Transport.detect()).isEqualTo(Transport.available().get(0));
        assertThat(Transport.available()).contains(Transport.NIO);
    }

    @Test
    void cliNamesParseAndUnknownNamesAreRefusedWithTheChoices() {
        assertThat(Transport.fromCliName("nio")).isEqualTo(Transport.NIO);
        assertThat(Transport.fromCliName("AUTO")).isEqualTo(Transport.detect());
        assertThatThrownBy(() -> Transport.fromCliName("kqueue"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("auto, io_uring, epoll or nio");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void echoesBytesOverLoopback(final Transport transport) throws Exception {
        final EventLoopGroup group = EventLoops.create(transport, 1, "test-" + transport.cliName(), false);
        try {
            final Channel server = new ServerBootstrap().group(group).channel(transport.serverSocketChannel())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(final Channel ch) {
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
                                ctx.writeAndFlush(msg);
                            }
                        });
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            final CompletableFuture<Integer> echoed = new CompletableFuture<>();
            final Channel client = new Bootstrap().group(group).channel(transport.socketChannel())
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
                        final ByteBuf buf = (ByteBuf) msg;
                        echoed.complete(buf.readableBytes());
                        buf.release();
                    }
                }).connect(server.localAddress()).sync().channel();
            client.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1, 2, 3})).sync();
            assertThat(echoed.get(10, TimeUnit.SECONDS)).isEqualTo(3);
            client.close().sync();
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void pinnedThreadsStillRunWherePinningIsUnavailable() throws Exception {
        final EventLoopGroup group = EventLoops.create(Transport.NIO, 2, "pinned", true);
        try {
            assertThat(group.submit(() -> 42).get(10, TimeUnit.SECONDS)).isEqualTo(42);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
