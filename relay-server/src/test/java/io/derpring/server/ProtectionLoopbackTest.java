package io.derpring.server;

import static io.derpring.server.Await.awaitTrue;
import static io.derpring.server.DerpTestClient.Mode.HTTP;
import static io.derpring.server.DerpTestClient.Mode.RAW;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.derpring.internal.frame.ClientInfo;
import io.derpring.keys.MeshKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.transport.Transport;
import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Accept-time protection over real sockets on every transport here: the accept rate limit and the connection caps. */
@Timeout(120)
class ProtectionLoopbackTest {
    static final Duration WAIT = Duration.ofSeconds(10);
    static final MeshKey MESH = MeshKey.parse("5a".repeat(32));
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private DerpRelayServer server;
    private final List<AutoCloseable> open = new ArrayList<>();

    static List<Transport> transports() {
        return Transport.available();
    }

    private DerpRelayServer start(final Transport transport, final DerpRelayServer.Builder b) throws Exception {
        server = b.transport(transport).threads(2).listen(new InetSocketAddress("127.0.0.1", 0)).meshKey(MESH).build().start();
        return server;
    }

    @AfterEach
    void stop() throws Exception {
        for (final AutoCloseable c : open) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private DerpTestClient connect() throws IOException {
        final DerpTestClient c = DerpTestClient.connect(server.localAddress(), HTTP, null);
        open.add(c);
        return c;
    }

    private DerpTestClient connectMesh() throws IOException {
        final DerpTestClient c = DerpTestClient.connect(server.localAddress(), HTTP, null, NodePrivateKey.generate(),
            new ClientInfo(MESH, 2, true, false, ""));
        open.add(c);
        return c;
    }

    /** A TCP connection from {@code source} that asks for {@code /derp/probe}: true when it is answered 200. */
    private boolean probeAnswered(final String source) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            s.connect(server.localAddress(), 10_000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /derp/probe HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(US_ASCII));
            final InputStream in = s.getInputStream();
            final byte[] head = new byte[12];
            int n = 0;
            try {
                while (n < head.length) {
                    final int r = in.read(head, n, head.length - n);
                    if (r < 0) {
                        return false;
                    }
                    n += r;
                }
            } catch (final IOException reset) {
                return false;
            }
            return new String(head, US_ASCII).equals("HTTP/1.1 200");
        }
    }

    private long counter(final ServerCounter c) {
        return server.stats().server(c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("--max-connections 3: three connections are served, the fourth is closed at accept and counted")
    void totalCapRefusesAboveTheCap(final Transport transport) throws Exception {
        start(transport, DerpRelayServer.builder().maxConnections(3));
        connect();
        connect();
        connect(); // at the cap
        assertThat(probeAnswered("127.0.0.1")).isFalse();
        assertThat(counter(ServerCounter.OVER_MAX_CONNECTIONS)).isEqualTo(1);
        assertThat(counter(ServerCounter.CONNECTIONS_ACCEPTED)).isEqualTo(3); // refused before the pipeline
        assertThat(RelayMetricsText.render(server.stats())).contains("derp_over_max_connections_total 1\n");
        open.remove(0).close();
        awaitTrue("slot given back", () -> server.caps().open() == 2, WAIT);
        assertThat(probeAnswered("127.0.0.1")).isTrue(); // below the cap again
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("--max-connections-per-ip 2: a third connection from 127.0.0.1 is refused, 127.0.0.2 is still served")
    void perIpCapRefusesOnlyThatAddress(final Transport transport) throws Exception {
        start(transport, DerpRelayServer.builder().maxConnectionsPerIp(2));
        connect();
        assertThat(probeAnswered("127.0.0.1")).isTrue(); // below: 1 held + this one
        awaitTrue("probe's slot given back", () -> server.caps().openFrom(LOOPBACK) == 1, WAIT);
        connect(); // at the cap
        assertThat(probeAnswered("127.0.0.1")).isFalse();
        assertThat(counter(ServerCounter.OVER_MAX_CONNECTIONS_PER_IP)).isEqualTo(1);
        assertThat(probeAnswered("127.0.0.2")).isTrue();
        for (final AutoCloseable c : open) {
            c.close();
        }
        open.clear();
        awaitTrue("per-IP table empties", () -> server.caps().trackedAddresses() == 0, WAIT);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("SPEC §3.8: a mesh peer's connection stops counting against the per-IP cap once its key is proven")
    void meshPeerReleasesItsIpSlot(final Transport transport) throws Exception {
        start(transport, DerpRelayServer.builder().maxConnectionsPerIp(1));
        connectMesh();
        // The slot goes back on the server's loop just after ServerInfo is written, which the client cannot observe.
        awaitTrue("first mesh slot given back", () -> server.caps().trackedAddresses() == 0, WAIT);
        connectMesh(); // would be refused at accept if the first still held the address's only slot
        awaitTrue("mesh slots given back", () -> server.caps().trackedAddresses() == 0, WAIT);
        connect(); // an ordinary client from the same address still gets the one slot
        assertThat(probeAnswered("127.0.0.1")).isFalse();
        assertThat(counter(ServerCounter.OVER_MAX_CONNECTIONS_PER_IP)).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("--accept-connection-limit 1 --accept-connection-burst 2: two accepts pass, the third is closed; a second later one more")
    void acceptRateLimit(final Transport transport) throws Exception {
        final CachedNanoClock clock = new CachedNanoClock();
        clock.update(1_000_000_000L);
        start(transport, DerpRelayServer.builder().clock(clock).acceptConnectionLimit(1.0).acceptConnectionBurst(2));
        assertThat(probeAnswered("127.0.0.1")).isTrue();
        assertThat(probeAnswered("127.0.0.1")).isTrue(); // at the burst
        assertThat(probeAnswered("127.0.0.1")).isFalse();
        assertThat(counter(ServerCounter.ACCEPT_RATE_LIMITED)).isEqualTo(1);
        clock.advance(1_000_000_000L);
        assertThat(probeAnswered("127.0.0.1")).isTrue();
        assertThat(probeAnswered("127.0.0.1")).isFalse();
        assertThat(counter(ServerCounter.ACCEPT_RATE_LIMITED)).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("the caps apply before TLS/HTTP: a refused raw-DERP connection never gets the ServerKey greeting")
    void refusedBeforeAnyByteIsSent(final Transport transport) throws Exception {
        start(transport, DerpRelayServer.builder().rawDerp(true).maxConnections(1));
        open.add(DerpTestClient.connect(server.localAddress(), RAW, null));
        try (DerpTestClient second = DerpTestClient.open(server.localAddress(), null, NodePrivateKey.generate())) {
            assertThatThrownBy(second::readFrame).isInstanceOf(IOException.class);
        }
        assertThat(counter(ServerCounter.OVER_MAX_CONNECTIONS)).isEqualTo(1);
    }
}
