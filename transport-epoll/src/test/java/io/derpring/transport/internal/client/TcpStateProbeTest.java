package io.derpring.transport.internal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import io.derpring.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The TCP_INFO fallback that catches a reset or FIN Netty's io_uring transport missed. The channel's event loop is
 * held busy while the peer ends the connection, so Netty cannot close the channel first: the probe alone must see it.
 */
@Timeout(60)
class TcpStateProbeTest {
    static final ClientHarness HARNESS = new ClientHarness();
    static final Duration SEEN_WITHIN = Duration.ofSeconds(10);

    @AfterAll
    static void shutdown() {
        HARNESS.close();
    }

    /** How the peer ends its side. */
    interface Ending {
        void end(Socket peer) throws Exception;
    }

    private static Channel connect(final Transport transport, final ServerSocket server) throws Exception {
        return new Bootstrap().group(HARNESS.group(transport)).channel(transport.socketChannel())
            .handler(new ChannelInboundHandlerAdapter())
            .connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort())).sync().channel();
    }

    private static boolean seenWhileTheLoopIsBusy(final Transport transport, final Ending ending) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            final Channel ch = connect(transport, server);
            final CountDownLatch busy = new CountDownLatch(1);
            final CountDownLatch release = new CountDownLatch(1);
            try (Socket peer = server.accept()) {
                final TcpStateProbe probe = new TcpStateProbe();
                assertThat(probe.peerEnded(ch)).as("established").isFalse();
                ch.eventLoop().execute(() -> {
                    busy.countDown();
                    try {
                        release.await();
                    } catch (final InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                busy.await();
                ending.end(peer);
                final long deadline = System.nanoTime() + SEEN_WITHIN.toNanos();
                while (System.nanoTime() - deadline < 0) {
                    if (probe.peerEnded(ch)) {
                        return true;
                    }
                    Thread.sleep(1);
                }
                return false;
            } finally {
                release.countDown();
                ch.close().sync();
            }
        }
    }

    @Test
    void aResetIoUringConnectionIsSeenAsEnded() throws Exception {
        assumeTrue(Transport.IO_URING.isAvailable(), "io_uring not available here");
        assertThat(seenWhileTheLoopIsBusy(Transport.IO_URING, peer -> {
            peer.setSoLinger(true, 0);
            peer.close();
        })).isTrue();
    }

    @Test
    void anIoUringConnectionThePeerFinishedIsSeenAsEnded() throws Exception {
        assumeTrue(Transport.IO_URING.isAvailable(), "io_uring not available here");
        assertThat(seenWhileTheLoopIsBusy(Transport.IO_URING, Socket::shutdownOutput)).isTrue();
    }

    @Test
    void channelsOnOtherTransportsAreNeverAsked() throws Exception {
        // NIO and epoll report a reset themselves; the probe must not second-guess them.
        final TcpStateProbe probe = new TcpStateProbe();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            final Channel ch = connect(Transport.NIO, server);
            try (Socket peer = server.accept()) {
                peer.setSoLinger(true, 0);
                peer.close();
                assertThat(probe.peerEnded(ch)).isFalse();
            } finally {
                ch.close().sync();
            }
        }
    }
}
