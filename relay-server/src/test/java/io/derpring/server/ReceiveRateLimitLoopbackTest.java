package io.derpring.server;

import static io.derpring.server.DerpTestClient.Mode.HTTP;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.derpring.internal.frame.ClientInfo;
import io.derpring.internal.frame.FrameType;
import io.derpring.keys.MeshKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.internal.relay.DropReason;
import io.derpring.internal.relay.RelayCounter;
import io.derpring.internal.relay.ReceiveRateLimiter;
import io.derpring.transport.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SPEC §3.7 over real sockets: a client sending above its receive rate has every packet relayed, only later (the relay
 * stops reading it); below the burst it is never paused; mesh peers are never paused.
 */
@Timeout(120)
class ReceiveRateLimitLoopbackTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final MeshKey MESH = MeshKey.parse("7c".repeat(32));
    private static final long RATE = 250_000; // bytes per second
    private static final int PACKET = 10_000;
    /** Each SendPacket is charged its payload: the 32-byte key and the packet. */
    private static final long COST = 32 + PACKET;
    /** Netty's adaptive receive buffer grows to at most 64 KiB per read. */
    private static final long MAX_READ_BYTES = 64 * 1024;

    private DerpRelayServer server;

    static List<Transport> transports() {
        return Transport.available();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(final Transport transport) throws Exception {
        server = DerpRelayServer.builder().transport(transport).threads(2).listen(new InetSocketAddress("127.0.0.1", 0))
            .meshKey(MESH).perClientRateLimitBytesPerSec(RATE).build().start();
    }

    /** Sends {@code count} packets from {@code a} to {@code b} on another thread; returns the seconds until b has all. */
    private static double relay(final DerpTestClient a, final DerpTestClient b, final int count) throws Exception {
        final byte[] packet = new byte[PACKET];
        final long startNs = System.nanoTime();
        final CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < count; i++) {
                    packet[0] = (byte) i;
                    a.sendPacket(b.publicKey(), packet);
                }
            } catch (final IOException e) {
                throw new IllegalStateException(e);
            }
        });
        for (int i = 0; i < count; i++) {
            final byte[] got = DerpTestClient.packet(b.awaitFrame(FrameType.RECV_PACKET, WAIT));
            assertThat(got).hasSize(PACKET);
            assertThat(got[0]).isEqualTo((byte) i);
        }
        sending.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        return (System.nanoTime() - startNs) / 1e9;
    }

    private long pauses() {
        return server.stats().server(ServerCounter.RECEIVE_RATE_LIMIT_PAUSES);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("above the rate: every packet arrives, in order, none dropped, and the sender was slowed to about the rate")
    void overRateSenderIsSlowedNotDropped(final Transport transport) throws Exception {
        start(transport);
        final int count = 60; // 601 920 bytes charged
        try (DerpTestClient a = DerpTestClient.connect(server.localAddress(), HTTP, null);
             DerpTestClient b = DerpTestClient.connect(server.localAddress(), HTTP, null)) {
            final double seconds = relay(a, b, count);
            // Beyond the burst, only the last read's bytes (up to one 64 KiB read) go out before their debt is paid:
            // at least 1.88 s at 250 kB/s. Generous bound: unlimited, loopback moves these 600 kB in milliseconds.
            final double floor = (count * COST - ReceiveRateLimiter.MIN_BURST_BYTES - MAX_READ_BYTES) / (double) RATE;
            assertThat(seconds).as("elapsed vs %.2f s the rate allows", floor).isGreaterThan(floor * 0.75);
        }
        assertThat(pauses()).isPositive();
        assertThat(server.relay().counter(RelayCounter.PACKETS_FORWARDED)).isEqualTo(count);
        for (final DropReason r : DropReason.values()) {
            assertThat(server.relay().drops(r)).as("drops %s", r).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("below the burst: the sender is never paused")
    void withinBurstIsNotPaused(final Transport transport) throws Exception {
        start(transport);
        final int count = (int) (ReceiveRateLimiter.MIN_BURST_BYTES / COST); // 6 packets, 60 192 bytes
        try (DerpTestClient a = DerpTestClient.connect(server.localAddress(), HTTP, null);
             DerpTestClient b = DerpTestClient.connect(server.localAddress(), HTTP, null)) {
            relay(a, b, count);
        }
        assertThat(pauses()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("SPEC §3.7: a mesh peer sending far above the rate is never paused")
    void meshPeerIsExempt(final Transport transport) throws Exception {
        start(transport);
        final int count = 100; // 1 MB: four seconds' worth at the rate
        try (DerpTestClient mesh = DerpTestClient.connect(server.localAddress(), HTTP, null, NodePrivateKey.generate(),
                 new ClientInfo(MESH, 2, true, false, ""))) {
            final byte[] packet = new byte[PACKET];
            for (int i = 0; i < count; i++) {
                mesh.sendPacket(NodePrivateKey.generate().publicKey(), packet); // unknown: read, dropped, counted
            }
            Await.awaitTrue("all read", () -> server.relay().counter(RelayCounter.PACKETS_RECEIVED) == count, WAIT);
        }
        assertThat(pauses()).isZero();
    }
}
