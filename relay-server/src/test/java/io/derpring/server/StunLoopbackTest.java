package io.derpring.server;

import static java.nio.ByteOrder.BIG_ENDIAN;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import io.derpring.internal.stun.StunCounter;
import io.derpring.testing.StunPackets;
import io.derpring.transport.Transport;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The relay's STUN port over real UDP on loopback: a tailnode Binding request is answered with the client's own
 * address and port, byte for byte as Go lays it out; anything else is counted and never answered.
 */
@Timeout(60)
class StunLoopbackTest {
    private static final int RECEIVE_TIMEOUT_MS = 5_000;
    private static final Duration COUNTER_WAIT = Duration.ofSeconds(10);

    static List<Transport> transports() {
        return Transport.available();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void ipv4BindingRequestIsAnsweredWithTheClientsAddress(final Transport transport) throws Exception {
        final InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        try (DerpRelayServer server = relay(transport, loopback).start();
             DatagramSocket client = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
            assertAnsweredWithSource(server, client, 0x11);
            assertThat(server.stats().stun(StunCounter.ANSWERED)).isEqualTo(1);
        }
    }

    @Test
    void ipv6BindingRequestIsAnsweredWithTheClientsAddress() throws Exception {
        final InetAddress loopback6 = InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
        final DatagramSocket client;
        try {
            client = new DatagramSocket(new InetSocketAddress(loopback6, 0));
        } catch (final SocketException unavailable) {
            Assumptions.abort("::1 is not available here: " + unavailable.getMessage());
            return;
        }
        try (client; DerpRelayServer server = relay(Transport.detect(), loopback6).start()) {
            assertAnsweredWithSource(server, client, 0x66);
        }
    }

    /**
     * Go listens on a wildcard with a dual-stack IPv6 socket, reads an IPv4 sender as {@code ::ffff:a.b.c.d} and
     * answers with that IPv6 form: 44 bytes, family 2.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void aWildcardListenerAnswersIpv4ClientsWithTheMappedIpv6FormAsGoDoes(final Transport transport) throws Exception {
        final InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        try (DerpRelayServer server = DerpRelayServer.builder().transport(transport).threads(1)
                 .listen(new InetSocketAddress(loopback, 0))
                 .stun(new InetSocketAddress(0)).build().start();
             DatagramSocket client = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
            Assumptions.assumeTrue(server.stunAddress().getAddress() instanceof java.net.Inet6Address,
                "no IPv6 here: the wildcard STUN socket is IPv4-only, as Go's would be");
            final byte[] request = StunPackets.tailnodeRequest(StunPackets.txId(0x21));
            client.send(new DatagramPacket(request, request.length, new InetSocketAddress(loopback,
                server.stunAddress().getPort())));
            client.setSoTimeout(RECEIVE_TIMEOUT_MS);
            final DatagramPacket in = new DatagramPacket(new byte[1500], 1500);
            client.receive(in);
            final byte[] answer = Arrays.copyOf(in.getData(), in.getLength());
            assertThat(answer).hasSize(44);
            assertThat(answer[25]).as("family IPv6").isEqualTo((byte) 2);
            final byte[] mask = Arrays.copyOfRange(answer, 4, 20);
            final byte[] mapped = new byte[16];
            for (int i = 0; i < 16; i++) {
                mapped[i] = (byte) (answer[28 + i] ^ mask[i]);
            }
            assertThat(mapped).as("::ffff:127.0.0.1").isEqualTo(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                (byte) 0xff, (byte) 0xff, 127, 0, 0, 1});
            assertThat((((answer[26] & 0xFF) << 8) | (answer[27] & 0xFF)) ^ 0x2112).isEqualTo(client.getLocalPort());
        }
    }

    @Test
    void aSourceOverTheStunRateLimitIsIgnoredAndCounted() throws Exception {
        final InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        try (DerpRelayServer server = DerpRelayServer.builder().threads(1).listen(new InetSocketAddress(loopback, 0))
                 .stun(new InetSocketAddress(loopback, 0)).stunRateLimit(1, 2).build().start();
             DatagramSocket client = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
            final byte[] request = StunPackets.tailnodeRequest(StunPackets.txId(0x55));
            final long startNs = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                send(client, server, request);
            }
            Await.awaitTrue("all ten handled", () -> server.stats().stun(StunCounter.ANSWERED)
                + server.stats().stun(StunCounter.RATE_LIMITED) == 10, COUNTER_WAIT);
            // At 1/s with a burst of 2, the bucket can have paid for at most 2 + (whole seconds elapsed) answers,
            // however slowly a busy machine handled the ten.
            final long mostAnswers = 2 + (System.nanoTime() - startNs) / 1_000_000_000L;
            assertThat(server.stats().stun(StunCounter.ANSWERED)).isLessThanOrEqualTo(mostAnswers);
            assertThat(server.stats().stun(StunCounter.RATE_LIMITED)).isPositive();
        }
    }

    /** Regression: on a dual-stack socket every IPv4 source is ::ffff:a.b.c.d, which must not make them one /64. */
    @Test
    void ipv4SourcesOnAWildcardListenerHaveTheirOwnLimits() throws Exception {
        final InetAddress one = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        final InetAddress two = InetAddress.getByAddress(new byte[] {127, 0, 0, 2});
        try (DerpRelayServer server = DerpRelayServer.builder().threads(1).listen(new InetSocketAddress(one, 0))
                 .stun(new InetSocketAddress(0)).stunRateLimit(1, 1).build().start();
             DatagramSocket a = new DatagramSocket(new InetSocketAddress(one, 0));
             DatagramSocket b = new DatagramSocket(new InetSocketAddress(two, 0))) {
            final byte[] request = StunPackets.tailnodeRequest(StunPackets.txId(0x12));
            final InetSocketAddress stun = new InetSocketAddress(one, server.stunAddress().getPort());
            a.send(new DatagramPacket(request, request.length, stun));
            b.send(new DatagramPacket(request, request.length, stun));
            Await.awaitTrue("both handled", () -> server.stats().stun(StunCounter.ANSWERED)
                + server.stats().stun(StunCounter.RATE_LIMITED) == 2, COUNTER_WAIT);
            // Two addresses share a bucket only by a 1 in 16 384 hash collision.
            assertThat(server.stats().stun(StunCounter.ANSWERED)).isEqualTo(2);
        }
    }

    @Test
    void stunRateLimitsOutsideTheirRangesAreRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DerpRelayServer.builder().stunRateLimit(0, 1).build())
            .isInstanceOf(io.derpring.runtime.InvalidConfigException.class).hasMessageContaining("stunPacketsPerSecond");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DerpRelayServer.builder().stunRateLimit(1, 0).build())
            .isInstanceOf(io.derpring.runtime.InvalidConfigException.class).hasMessageContaining("stunBurst");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DerpRelayServer.builder()
                .stunRateLimit(DerpRelayServer.Settings.MAX_STUN_PACKETS_PER_SECOND + 1, 1).build())
            .isInstanceOf(io.derpring.runtime.InvalidConfigException.class);
        DerpRelayServer.builder().stunRateLimit(DerpRelayServer.Settings.MAX_STUN_PACKETS_PER_SECOND, 1).build();
        DerpRelayServer.builder().stunRateLimit(1, 1).build();
    }

    @Test
    void theBuilderLeavesStunOff() {
        final DerpRelayServer server = DerpRelayServer.builder().threads(1).build();
        assertThat(server.settings().stunAddress()).isNull();
    }

    @Test
    void nonStunAndNonTailnodeDatagramsAreCountedAndNeverAnswered() throws Exception {
        final InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        try (DerpRelayServer server = relay(Transport.detect(), loopback).start();
             DatagramSocket client = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
            final byte[] tx = StunPackets.txId(0x33);
            send(client, server, "GET / HTTP/1.1\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            send(client, server, new byte[1]);
            send(client, server, StunPackets.request(1, tx, "not-tailnode", StunPackets.Fingerprint.VALID));
            send(client, server, StunPackets.request(1, tx, "tailnode", StunPackets.Fingerprint.NONE));
            send(client, server, StunPackets.request(1, tx, "tailnode", StunPackets.Fingerprint.CORRUPT));
            send(client, server, io.derpring.testing.Vectors.hex(StunPackets.RFC5769_SAMPLE_REQUEST));
            Await.awaitTrue("ignored datagrams counted", () -> {
                final DerpRelayServer.Stats s = server.stats();
                return s.stun(StunCounter.NOT_STUN) == 2 && s.stun(StunCounter.WRONG_SOFTWARE) == 2
                    && s.stun(StunCounter.NO_FINGERPRINT) == 1 && s.stun(StunCounter.WRONG_FINGERPRINT) == 1;
            }, COUNTER_WAIT);
            assertThat(server.stats().stun(StunCounter.ANSWERED)).isZero();
            // The socket serves datagrams in order: the first answer this client gets is the one to the tailnode
            // request sent now, so none of the six above was answered.
            assertAnsweredWithSource(server, client, 0x44);
            assertThat(metricsPage(server))
                .contains("derp_stun_requests_total{disposition=\"not_stun\"} 2")
                .contains("derp_stun_requests_total{disposition=\"wrong_software\"} 2")
                .contains("derp_stun_requests_total{disposition=\"answered\"} 1");
        }
    }

    @Test
    void aTakenStunPortFailsTheStartNamingIt() throws Exception {
        final InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
            final DerpRelayServer server = DerpRelayServer.builder().threads(1)
                .stun(new InetSocketAddress(loopback, taken.getLocalPort())).build();
            org.assertj.core.api.Assertions.assertThatThrownBy(server::start)
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("STUN")
                .hasMessageContaining(String.valueOf(taken.getLocalPort()));
            server.close();
        }
    }

    private static DerpRelayServer relay(final Transport transport, final InetAddress address) {
        return DerpRelayServer.builder().transport(transport).threads(1)
            .listen(new InetSocketAddress(address, 0)).stun(new InetSocketAddress(address, 0)).build();
    }

    /** Sends a tailnode request and checks the answer against Go's layout and the client's own address. */
    private static void assertAnsweredWithSource(final DerpRelayServer server, final DatagramSocket client,
                                                 final int txFill) throws IOException {
        final byte[] tx = StunPackets.txId(txFill);
        send(client, server, StunPackets.tailnodeRequest(tx));
        client.setSoTimeout(RECEIVE_TIMEOUT_MS);
        final DatagramPacket in = new DatagramPacket(new byte[1500], 1500);
        client.receive(in);
        final byte[] answer = Arrays.copyOf(in.getData(), in.getLength());
        final InetSocketAddress self = (InetSocketAddress) client.getLocalSocketAddress();
        final byte[] ip = self.getAddress().getAddress();
        final UnsafeBuffer b = new UnsafeBuffer(answer);
        assertThat(in.getSocketAddress()).as("answered from the STUN port").isEqualTo(server.stunAddress());
        assertThat(answer).as("header, XOR-MAPPED-ADDRESS, nothing else").hasSize(20 + 4 + 4 + ip.length);
        assertThat(b.getShort(0, BIG_ENDIAN)).as("Binding success").isEqualTo((short) 0x0101);
        assertThat(b.getShort(2, BIG_ENDIAN)).as("attributes length").isEqualTo((short) (8 + ip.length));
        assertThat(b.getInt(4, BIG_ENDIAN)).isEqualTo(StunPackets.MAGIC_COOKIE);
        assertThat(Arrays.copyOfRange(answer, 8, 20)).as("transaction id echoed").isEqualTo(tx);
        assertThat(b.getShort(20, BIG_ENDIAN)).as("XOR-MAPPED-ADDRESS").isEqualTo((short) 0x0020);
        assertThat(b.getShort(22, BIG_ENDIAN)).isEqualTo((short) (4 + ip.length));
        assertThat(answer[24]).isZero();
        assertThat(answer[25]).as("family").isEqualTo((byte) (ip.length == 4 ? 1 : 2));
        assertThat((b.getShort(26, BIG_ENDIAN) & 0xFFFF) ^ 0x2112).as("port").isEqualTo(self.getPort());
        final byte[] mask = Arrays.copyOfRange(answer, 4, 20); // cookie, then transaction id
        final byte[] mapped = new byte[ip.length];
        for (int i = 0; i < ip.length; i++) {
            mapped[i] = (byte) (answer[28 + i] ^ mask[i]);
        }
        assertThat(mapped).as("address").isEqualTo(ip);
    }

    private static void send(final DatagramSocket client, final DerpRelayServer server, final byte[] datagram)
        throws IOException {
        client.send(new DatagramPacket(datagram, datagram.length, server.stunAddress()));
    }

    private static String metricsPage(final DerpRelayServer server) throws Exception {
        final InetSocketAddress m = server.metricsAddress();
        final HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + m.getPort() + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
        return r.body();
    }
}
