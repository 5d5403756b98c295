package io.derpring.transport.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.TrustManagerFactory;

import io.derpring.engine.OutboundOverflow;
import io.derpring.engine.SendResult;
import io.derpring.derpmap.DerpNode;
import io.derpring.derpmap.TransportSecurity;
import io.derpring.keys.NodePrivateKey;
import io.derpring.transport.Transport;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Two clients through a minimal in-test DERP relay ({@link MiniDerpServer}) on loopback, on each transport: packets
 * both ways, the TLS modes, and backpressure in both directions.
 */
@Timeout(120)
class DerpClientLoopbackTest {
    static final ClientHarness HARNESS = new ClientHarness();
    static final long SEED = 0x5eed_c0ffeeL;

    final NodePrivateKey keyA = NodePrivateKey.generate();
    final NodePrivateKey keyB = NodePrivateKey.generate();

    static List<Transport> transports() {
        return Transport.available();
    }

    @AfterAll
    static void shutdown() {
        HARNESS.close();
    }

    private DerpNodeConnection client(final Transport transport, final DerpNode node, final TransportSecurity security,
                                      final TrustManagerFactory trust, final NodePrivateKey key, final TestRing ring,
                                      final DerpNodeListener listener) {
        return DerpNodeConnection.builder()
            .transport(transport, HARNESS.group(transport))
            .node(node)
            .security(security)
            .trust(trust)
            .privateKey(key)
            .ring(ring.ring, ClientHarness.REGION)
            .listener(listener)
            .build();
    }

    private DerpNodeConnection plainClient(final Transport transport, final MiniDerpServer server,
                                           final NodePrivateKey key, final TestRing ring) {
        return client(transport, ClientHarness.node("derp.test", server.port()), new TransportSecurity.PlainHttp(),
            null, key, ring, DerpNodeListener.NONE);
    }

    /** Sends without overrunning the 32-deep queue, so nothing is dropped (the drop tests overrun it on purpose). */
    private static void sendPaced(final DerpNodeConnection c, final NodePrivateKey to, final byte[] packet) {
        Await.until("queue room", () -> c.queuedPackets() < 16);
        assertThat(c.send(to.publicKey(), new UnsafeBuffer(packet), 0, packet.length)).isEqualTo(SendResult.ACCEPTED);
    }

    private static List<byte[]> packets(final SplittableRandom random, final int count) {
        final List<byte[]> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            final int length = i == 0 ? 0 : i == 1 ? 65_536 : random.nextInt(10) == 0 ? random.nextInt(65_537)
                : random.nextInt(1_400);
            final byte[] p = new byte[length];
            random.nextBytes(p);
            list.add(p);
        }
        return list;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("B14 B17: packets both ways arrive in order with their bytes and the sender's key")
    void packetsFlowBothWays(final Transport transport) throws Exception {
        final SplittableRandom random = new SplittableRandom(SEED);
        try (MiniDerpServer server = new MiniDerpServer(null);
             TestRing ringA = new TestRing(1024, keyB.publicKey());
             TestRing ringB = new TestRing(1024, keyA.publicKey())) {
            final DerpNodeConnection a = plainClient(transport, server, keyA, ringA);
            final DerpNodeConnection b = plainClient(transport, server, keyB, ringB);
            try {
                a.connect().get(10, TimeUnit.SECONDS);
                b.connect().get(10, TimeUnit.SECONDS);
                final List<byte[]> toB = packets(random, 200);
                final List<byte[]> toA = packets(random, 200);
                for (int i = 0; i < 200; i++) {
                    sendPaced(a, keyB, toB.get(i));
                    sendPaced(b, keyA, toA.get(i));
                }
                Await.until("all packets arrived (seed " + SEED + ")",
                    () -> ringB.count.get() == 200 && ringA.count.get() == 200);
                assertReceived(ringB, keyA, toB);
                assertReceived(ringA, keyB, toA);
                assertThat(a.counters().get(ClientCounter.DROPPED_QUEUE_OLDEST)).isZero();
            } finally {
                a.close();
                b.close();
            }
        }
    }

    private static void assertReceived(final TestRing ring, final NodePrivateKey from, final List<byte[]> sent) {
        final List<TestRing.Received> got = new ArrayList<>(ring.received);
        assertThat(got).hasSize(sent.size());
        for (int i = 0; i < sent.size(); i++) {
            assertThat(got.get(i).from()).isEqualTo(from.publicKey());
            assertThat(got.get(i).packet()).as("packet %d (seed %x)", i, SEED).isEqualTo(sent.get(i));
        }
    }

    private void connectsOverTls(final Transport transport, final TestCertificates certs, final DerpNode node,
                                 final TrustManagerFactory trust) throws Exception {
        try (MiniDerpServer server = new MiniDerpServer(certs.serverContext());
             TestRing ring = new TestRing(64, keyA.publicKey())) {
            final DerpNode at = ClientHarness.node(node.hostName(), node.certName(), "127.0.0.1", "none", server.port(),
                node.insecureForTests());
            final DerpNodeConnection c = client(transport, at, at.transportSecurity(), trust, keyA, ring,
                DerpNodeListener.NONE);
            try {
                c.connect().get(10, TimeUnit.SECONDS);
                sendPaced(c, keyA, new byte[] {1, 2, 3}); // to itself, through the relay
                Await.until("own packet back", () -> ring.count.get() == 1);
            } finally {
                c.close();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void tlsWithASelfSignedCertificatePinnedBySha256Raw(final Transport transport) throws Exception {
        final TestCertificates certs = TestCertificates.selfSigned("derp.test");
        connectsOverTls(transport, certs, ClientHarness.node("derp.test", "sha256-raw:" + certs.leafSha256Hex(),
            "127.0.0.1", "none", 1, false), null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void tlsWithASelfSignedCertificateInTheTrustStore(final Transport transport) throws Exception {
        final TestCertificates certs = TestCertificates.selfSigned("derp.test");
        connectsOverTls(transport, certs, ClientHarness.node("derp.test", 1), certs.trustingLeaf());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void tlsCertNameIsTheVerifiedName(final Transport transport) throws Exception {
        final TestCertificates certs = TestCertificates.selfSigned("derp.test");
        connectsOverTls(transport, certs, ClientHarness.node("127.0.0.1", "derp.test", "127.0.0.1", "none", 1, false),
            certs.trustingLeaf());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void insecureForTestsAcceptsAnyCertificate(final Transport transport) throws Exception {
        connectsOverTls(transport, TestCertificates.selfSigned("derp.test"),
            ClientHarness.node("anything.test", "", "127.0.0.1", "none", 1, true), null);
    }

    private void tlsRefused(final Transport transport, final DerpNode node, final TrustManagerFactory trust,
                            final TestCertificates certs) throws Exception {
        try (MiniDerpServer server = new MiniDerpServer(certs.serverContext());
             TestRing ring = new TestRing(64)) {
            final DerpNode at = ClientHarness.node(node.hostName(), node.certName(), "127.0.0.1", "none", server.port(),
                false);
            final RecordingListener events = new RecordingListener();
            final DerpNodeConnection c = client(transport, at, at.transportSecurity(), trust, keyA, ring, events);
            c.connect();
            final Throwable cause = events.closed.get(10, TimeUnit.SECONDS);
            assertThat(cause).isInstanceOf(DerpConnectionException.class);
            assertThat(((DerpConnectionException) cause).failure())
                .isEqualTo(DerpConnectionException.Failure.TLS_FAILED);
            assertThat(server.clients).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void aCertificateForAnotherNameIsRefused(final Transport transport) throws Exception {
        final TestCertificates certs = TestCertificates.selfSigned("derp.test");
        tlsRefused(transport, ClientHarness.node("other.test", 1), certs.trustingLeaf(), certs);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void aCertificateNotInTheTrustStoreIsRefused(final Transport transport) throws Exception {
        final TestCertificates certs = TestCertificates.selfSigned("derp.test");
        tlsRefused(transport, ClientHarness.node("derp.test", 1),
            TestCertificates.selfSigned("derp.test").trustingLeaf(), certs);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void aPinMismatchIsRefused(final Transport transport) throws Exception {
        final TestCertificates certs = TestCertificates.selfSigned("derp.test");
        tlsRefused(transport, ClientHarness.node("derp.test", "sha256-raw:" + "00".repeat(32), "127.0.0.1", "none",
            1, false), null, certs);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("B65 (drop-oldest option): a slow reader makes the 32-deep queue drop its oldest packets, counted; memory stays bounded")
    void slowReaderLeadsToCountedDropsNotUnboundedMemory(final Transport transport) throws Exception {
        try (MiniDerpServer server = new MiniDerpServer(null); TestRing ring = new TestRing(64)) {
            server.stalled.add(keyA.publicKey());
            final DerpNodeConnection a = DerpNodeConnection.builder()
                .transport(transport, HARNESS.group(transport))
                .node(ClientHarness.node("derp.test", server.port()))
                .security(new TransportSecurity.PlainHttp())
                .privateKey(keyA)
                .ring(ring.ring, ClientHarness.REGION)
                .settings(DerpClientSettings.builder().outboundOverflow(OutboundOverflow.DROP_OLDEST).build())
                .build();
            try {
                a.connect().get(10, TimeUnit.SECONDS);
                final UnsafeBuffer packet = new UnsafeBuffer(new byte[1024]);
                final int sends = 20_000;
                for (int i = 0; i < sends; i++) {
                    a.send(keyB.publicKey(), packet, 0, packet.capacity());
                }
                Await.until("drops counted", () -> a.counters().get(ClientCounter.DROPPED_QUEUE_OLDEST) > 0);
                assertThat(a.queuedPackets()).isLessThanOrEqualTo(DerpClientSettings.DEFAULT_OUTBOUND_QUEUE_DEPTH);
                final long pending = a.eventLoop().submit(
                    () -> a.channel().unsafe().outboundBuffer().totalPendingWriteBytes()).get(10, TimeUnit.SECONDS);
                // At most the high-water mark plus one pass budget plus one batch buffer sit in Netty's buffer.
                assertThat(pending).isLessThanOrEqualTo(DerpClientSettings.DEFAULT_WRITE_BUFFER_HIGH_WATER_MARK * 2L
                    + OutboundDrain.BATCH_CAPACITY);
                final long accounted = a.counters().get(ClientCounter.PACKETS_SENT)
                    + a.counters().get(ClientCounter.DROPPED_QUEUE_OLDEST)
                    + a.counters().get(ClientCounter.DROPPED_QUEUE_FULL) + a.queuedPackets();
                assertThat(accounted).as("every send is sent, queued or counted as dropped").isGreaterThanOrEqualTo(sends - 1L);
                assertThat(a.isConnected()).isTrue();
            } finally {
                a.close();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("a full inbound ring pauses reading (autoRead off) and resumes without losing a packet")
    void fullRingPausesReadingAndResumes(final Transport transport) throws Exception {
        try (MiniDerpServer server = new MiniDerpServer(null);
             TestRing ringA = new TestRing(64);
             TestRing ringB = new TestRing(4, keyA.publicKey())) {
            ringB.held = true;
            final DerpNodeConnection a = plainClient(transport, server, keyA, ringA);
            final DerpNodeConnection b = plainClient(transport, server, keyB, ringB);
            try {
                a.connect().get(10, TimeUnit.SECONDS);
                b.connect().get(10, TimeUnit.SECONDS);
                final List<byte[]> sent = packets(new SplittableRandom(SEED), 100);
                for (final byte[] p : sent) {
                    sendPaced(a, keyB, p);
                }
                Await.until("B paused by its full ring", () -> b.counters().get(ClientCounter.RING_FULL_PAUSES) > 0);
                assertThat(b.eventLoop().submit(() -> b.channel().config().isAutoRead()).get(10, TimeUnit.SECONDS))
                    .isFalse();
                assertThat(ringB.count.get()).isLessThan(100);
                ringB.held = false;
                Await.until("all 100 delivered after resuming", () -> ringB.count.get() == 100);
                assertReceived(ringB, keyA, sent);
                assertThat(b.counters().get(ClientCounter.RING_FULL_RESUMES)).isPositive();
                Await.until("reading back on", () -> b.channel().config().isAutoRead());
                assertThat(b.isConnected()).isTrue();
            } finally {
                a.close();
                b.close();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void dualStackNodeFallsBackToTheFamilyThatAnswers(final Transport transport) throws Exception {
        try (MiniDerpServer server = new MiniDerpServer(null); TestRing ring = new TestRing(64)) {
            // Nothing listens on [::1]:port (refused, or no IPv6 at all): the IPv4 attempt wins the race.
            final DerpNode node = ClientHarness.node("derp.test", "", "127.0.0.1", "::1", server.port(), false);
            final DerpNodeConnection c = client(transport, node, new TransportSecurity.PlainHttp(), null, keyA, ring,
                DerpNodeListener.NONE);
            try {
                c.connect().get(10, TimeUnit.SECONDS);
                assertThat(c.isConnected()).isTrue();
            } finally {
                c.close();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void hostNameIsResolvedWhenNoLiteralIsGiven(final Transport transport) throws Exception {
        try (MiniDerpServer server = new MiniDerpServer(null); TestRing ring = new TestRing(64)) {
            final DerpNode node = ClientHarness.node("localhost", "", "", "", server.port(), false);
            final DerpNodeConnection c = client(transport, node, new TransportSecurity.PlainHttp(), null, keyA, ring,
                DerpNodeListener.NONE);
            try {
                c.connect().get(10, TimeUnit.SECONDS);
                assertThat(c.isConnected()).isTrue();
            } finally {
                c.close();
            }
        }
    }

    @Test
    void bothFamiliesDisabledIsNoAddress() throws Exception {
        try (TestRing ring = new TestRing(64)) {
            final RecordingListener events = new RecordingListener();
            final DerpNodeConnection c = client(Transport.NIO,
                ClientHarness.node("derp.test", "", "none", "none", 1, false), new TransportSecurity.PlainHttp(), null,
                keyA, ring, events);
            c.connect();
            final Throwable cause = events.closed.get(10, TimeUnit.SECONDS);
            assertThat(((DerpConnectionException) cause).failure())
                .isEqualTo(DerpConnectionException.Failure.NO_ADDRESS);
            assertThat(c.send(keyB.publicKey(), new UnsafeBuffer(new byte[1]), 0, 1)).isEqualTo(SendResult.NO_ROUTE);
            assertThat(c.counters().get(ClientCounter.DROPPED_NOT_CONNECTED)).isEqualTo(1);
        }
    }
}
