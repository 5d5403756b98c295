package io.derpring.jmh.transport;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import io.derpring.transport.internal.EventLoops;
import io.derpring.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The TLS provider choice for DERP connections (issue 7): 1200-byte records over a loopback TLS 1.3 connection,
 * encrypted by the client and decrypted by the server in the same JVM, with the JDK's provider vs BoringSSL through
 * netty-tcnative. Same transport, same window of in-flight writes; compare the two within one run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "-Dio.netty.leakDetection.level=disabled"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
public class TlsProviderBenchmark {
    private static final int WINDOW = 64;

    @Param({"1200"})
    public int size;

    @Param({"JDK", "OPENSSL"})
    public SslProvider provider;

    private EventLoopGroup group;
    private Channel server;
    private Channel client;
    private volatile long receivedBytes;
    private long sentBytes;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        final SelfSignedCertificate cert = new SelfSignedCertificate("derp.bench.test");
        final SslContext serverTls = SslContextBuilder.forServer(cert.certificate(), cert.privateKey())
            .sslProvider(provider).protocols("TLSv1.3").build();
        final SslContext clientTls = SslContextBuilder.forClient().sslProvider(provider).protocols("TLSv1.3")
            .trustManager(InsecureTrustManagerFactory.INSTANCE).build();
        final Transport transport = Transport.detect();
        group = EventLoops.create(transport, 2, "bench-tls", false);
        server = new ServerBootstrap().group(group).channel(transport.serverSocketChannel())
            .childHandler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(final Channel ch) {
                    ch.pipeline().addLast(serverTls.newHandler(ch.alloc()), new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
                            final ByteBuf buf = (ByteBuf) msg;
                            receivedBytes = receivedBytes + buf.readableBytes(); // single writer: this loop
                            buf.release();
                        }
                    });
                }
            }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        client = new Bootstrap().group(group).channel(transport.socketChannel())
            .handler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(final Channel ch) {
                    ch.pipeline().addLast(clientTls.newHandler(ch.alloc(), "derp.bench.test", 443));
                }
            }).connect(server.localAddress()).sync().channel();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        client.close().sync();
        server.close().sync();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    @Benchmark
    public long writeRecord() {
        while (sentBytes - receivedBytes >= (long) WINDOW * size) {
            Thread.yield();
        }
        final ByteBuf record = PooledByteBufAllocator.DEFAULT.directBuffer(size).writerIndex(size);
        client.writeAndFlush(record, client.voidPromise());
        sentBytes += size;
        return sentBytes;
    }
}
