package io.derpring.server;

import static io.derpring.server.Await.awaitTrue;
import static io.derpring.server.DerpTestClient.Mode.HTTP;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.derpring.internal.crypto.NaclBox;
import io.derpring.internal.frame.ClientInfo;
import io.derpring.internal.frame.ClientInfoFrame;
import io.derpring.internal.frame.FrameType;
import io.derpring.internal.frame.PacketFlyweight;
import io.derpring.keys.MeshKey;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.relay.AdmissionDecision;
import io.derpring.relay.ClientAdmission;
import io.derpring.runtime.InvalidConfigException;
import io.derpring.transport.Transport;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** SPEC §3.8 admission over real sockets: the allow-list file and its reload, async callbacks, AND, the mesh exemption. */
@Timeout(120)
class AdmissionLoopbackTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final MeshKey MESH = MeshKey.parse("6b".repeat(32));
    private static final long POLL_NS = TimeUnit.MILLISECONDS.toNanos(20);

    @TempDir
    Path dir;
    private DerpRelayServer server;
    private final List<DerpTestClient> clients = new ArrayList<>();
    private final Set<NodeKey> callbackAllows = ConcurrentHashMap.newKeySet();
    private final AtomicInteger callbackAsked = new AtomicInteger();
    /** Admits the keys in {@link #callbackAllows}, answering later on another thread. */
    private final ClientAdmission delayedCallback = (key, source) -> {
        callbackAsked.incrementAndGet();
        return CompletableFuture.supplyAsync(() -> callbackAllows.contains(key),
            CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));
    };

    static List<Transport> transports() {
        return Transport.available();
    }

    private DerpRelayServer start(final Transport transport, final DerpRelayServer.Builder b) throws Exception {
        server = b.transport(transport).threads(2).listen(new InetSocketAddress("127.0.0.1", 0)).meshKey(MESH)
            .allowListPollIntervalNs(POLL_NS).build().start();
        return server;
    }

    @AfterEach
    void stop() {
        clients.forEach(DerpTestClient::close);
        if (server != null) {
            server.close();
        }
    }

    private DerpTestClient connect(final NodePrivateKey key) throws IOException {
        final DerpTestClient c = DerpTestClient.connect(server.localAddress(), HTTP, null, key, ClientInfo.standard());
        clients.add(c);
        return c;
    }

    private void assertRefused(final NodePrivateKey key) {
        assertThatThrownBy(() -> connect(key)).isInstanceOf(IOException.class); // closed: no ServerInfo
    }

    private Path allowList(final NodeKey... keys) throws IOException {
        return writeList(dir.resolve("allow.txt"), keys);
    }

    private static Path writeList(final Path file, final NodeKey... keys) throws IOException {
        final StringBuilder text = new StringBuilder("# derpring allow-list\n\n");
        for (final NodeKey k : keys) {
            text.append(k).append("   # a node\n");
        }
        write(file, text.toString());
        return file;
    }

    /**
     * Replaces the file in one rename, its modification time moved forward first, so the poller sees exactly one
     * change (never a half-written file, never the same change twice) even within one timestamp tick.
     */
    private static void write(final Path file, final String text) throws IOException {
        final FileTime before = Files.exists(file) ? Files.getLastModifiedTime(file) : FileTime.fromMillis(0);
        final Path next = file.resolveSibling(file.getFileName() + ".next");
        Files.writeString(next, text, US_ASCII);
        Files.setLastModifiedTime(next, FileTime.fromMillis(before.toMillis() + 2000));
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private long admissions(final AdmissionDecision d) {
        return server.stats().admission(d);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("allow-list: a listed key connects; an unlisted one is closed with no ServerInfo and counted")
    void allowListAdmitsOnlyListedKeys(final Transport transport) throws Exception {
        final NodePrivateKey listed = NodePrivateKey.generate();
        start(transport, DerpRelayServer.builder().allowList(allowList(listed.publicKey())));
        connect(listed);
        assertRefused(NodePrivateKey.generate());
        awaitTrue("refusal counted", () -> server.stats().end(ConnectionEnd.ADMISSION_REFUSED) == 1, WAIT);
        assertThat(admissions(AdmissionDecision.NOT_ALLOWED_LIST)).isEqualTo(1);
        assertThat(admissions(AdmissionDecision.ADMITTED)).isEqualTo(1);
        assertThat(server.relay().keyCount()).isEqualTo(1);
        assertThat(RelayMetricsText.render(server.stats()))
            .contains("derp_admissions_total{decision=\"not_allowed_list\"} 1\n")
            .contains("derp_admissions_total{decision=\"admitted\"} 1\n")
            .contains("derp_connections_closed_total{reason=\"admission_refused\"} 1\n");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("allow-list reload: a changed file applies to the next handshake; a bad change keeps the previous list")
    void allowListReloads(final Transport transport) throws Exception {
        final NodePrivateKey first = NodePrivateKey.generate();
        final NodePrivateKey second = NodePrivateKey.generate();
        final Path file = allowList(first.publicKey());
        start(transport, DerpRelayServer.builder().allowList(file));
        assertRefused(second);
        writeList(file, second.publicKey());
        awaitTrue("reloaded", () -> server.stats().server(ServerCounter.ALLOW_LIST_RELOADS) == 1, WAIT);
        connect(second);
        assertRefused(first);

        write(file, "nodekey:not-hex\n");
        awaitTrue("reload error counted", () -> server.stats().server(ServerCounter.ALLOW_LIST_RELOAD_ERRORS) == 1, WAIT);
        connect(second); // the previous list still applies
        Files.delete(file);
        awaitTrue("missing file counted", () -> server.stats().server(ServerCounter.ALLOW_LIST_RELOAD_ERRORS) == 2, WAIT);
        connect(second);
        assertThat(server.stats().server(ServerCounter.ALLOW_LIST_RELOADS)).isEqualTo(1);
    }

    @Test
    @DisplayName("a malformed allow-list at build time is a typed error naming the line, never echoing its text")
    void malformedAllowListFailsTheBuild() throws Exception {
        final Path file = dir.resolve("bad.txt");
        final String secret = "privkey:" + "ab".repeat(32);
        write(file, "# ok\n" + NodePrivateKey.generate().publicKey() + "\n" + secret + "\n");
        assertThatThrownBy(() -> DerpRelayServer.builder().allowList(file).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("line 3").hasMessageNotContaining("ab".repeat(8));
        assertThatThrownBy(() -> DerpRelayServer.builder().allowList(dir.resolve("missing.txt")).build())
            .isInstanceOf(InvalidConfigException.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("async callback: completed later off the loop, true admits and false refuses (counted)")
    void asyncCallbackAllowsAndDenies(final Transport transport) throws Exception {
        final NodePrivateKey yes = NodePrivateKey.generate();
        callbackAllows.add(yes.publicKey());
        start(transport, DerpRelayServer.builder().clientAdmission(delayedCallback));
        connect(yes);
        assertRefused(NodePrivateKey.generate());
        awaitTrue("refusal counted", () -> admissions(AdmissionDecision.CALLBACK_REFUSED) == 1, WAIT);
        assertThat(admissions(AdmissionDecision.ADMITTED)).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("async callback: no answer within the handshake deadline refuses and counts a timeout")
    void callbackTimeout(final Transport transport) throws Exception {
        // Long enough that the HTTP request and ClientInfo surely arrive first on a loaded 2-core machine.
        start(transport, DerpRelayServer.builder().handshakeTimeoutNs(TimeUnit.SECONDS.toNanos(5))
            .clientAdmission((key, source) -> {
                callbackAsked.incrementAndGet();
                return new CompletableFuture<>();
            }));
        assertRefused(NodePrivateKey.generate());
        assertThat(callbackAsked).hasValue(1);
        awaitTrue("timeout counted", () -> admissions(AdmissionDecision.CALLBACK_TIMEOUT) == 1, WAIT);
        assertThat(server.stats().end(ConnectionEnd.HANDSHAKE_TIMEOUT)).isEqualTo(1);
        assertThat(server.relay().keyCount()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("a callback that fails refuses and counts an error")
    void callbackErrorRefuses(final Transport transport) throws Exception {
        start(transport, DerpRelayServer.builder()
            .clientAdmission((key, source) -> CompletableFuture.failedFuture(new IOException("admission service down"))));
        assertRefused(NodePrivateKey.generate());
        awaitTrue("error counted", () -> admissions(AdmissionDecision.CALLBACK_ERROR) == 1, WAIT);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("allow-list AND callback: both must admit; an unlisted key is refused without asking the callback")
    void allowListAndCallbackCombineAsAnd(final Transport transport) throws Exception {
        final NodePrivateKey both = NodePrivateKey.generate();
        final NodePrivateKey listOnly = NodePrivateKey.generate();
        final NodePrivateKey callbackOnly = NodePrivateKey.generate();
        callbackAllows.add(both.publicKey());
        callbackAllows.add(callbackOnly.publicKey());
        start(transport, DerpRelayServer.builder().allowList(allowList(both.publicKey(), listOnly.publicKey()))
            .clientAdmission(delayedCallback));
        connect(both);
        assertRefused(listOnly);
        assertRefused(callbackOnly);
        awaitTrue("refusals counted", () -> server.stats().end(ConnectionEnd.ADMISSION_REFUSED) == 2, WAIT);
        assertThat(admissions(AdmissionDecision.CALLBACK_REFUSED)).isEqualTo(1);
        assertThat(admissions(AdmissionDecision.NOT_ALLOWED_LIST)).isEqualTo(1);
        assertThat(callbackAsked).hasValue(2); // both and listOnly; callbackOnly stopped at the list
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("SPEC §3.8: a mesh peer is admitted with an empty allow-list and a refusing callback, neither asked")
    void meshPeerSkipsAdmission(final Transport transport) throws Exception {
        start(transport, DerpRelayServer.builder().allowList(allowList()).clientAdmission(delayedCallback));
        final DerpTestClient mesh = DerpTestClient.connect(server.localAddress(), HTTP, null, NodePrivateKey.generate(),
            new ClientInfo(MESH, 2, true, false, ""));
        clients.add(mesh);
        assertThat(server.relay().keyCount()).isEqualTo(1);
        assertThat(callbackAsked).hasValue(0);
        for (final AdmissionDecision d : AdmissionDecision.values()) {
            assertThat(admissions(d)).isEqualTo(d == AdmissionDecision.MESH_PEER ? 1 : 0);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("bytes sent right after ClientInfo (fast start, one write) wait for admission and are then relayed")
    void bytesAfterClientInfoAreHeldUntilAdmitted(final Transport transport) throws Exception {
        final NodePrivateKey sender = NodePrivateKey.generate();
        final NodePrivateKey receiver = NodePrivateKey.generate();
        callbackAllows.add(sender.publicKey());
        callbackAllows.add(receiver.publicKey());
        start(transport, DerpRelayServer.builder().clientAdmission(delayedCallback));
        final DerpTestClient b = connect(receiver);
        final NaclBox box = new NaclBox();
        final UnsafeBuffer info = new UnsafeBuffer(new byte[1024]);
        final int infoLength = ClientInfoFrame.seal(box, sender, server.publicKey(), ClientInfo.standard(), info, 0);
        final byte[] packet = {7, 8, 9};
        final UnsafeBuffer send = new UnsafeBuffer(new byte[PacketFlyweight.frameLength(packet.length)]);
        final int sendLength = PacketFlyweight.encodeSendPacket(send, 0, receiver.publicKey(), new UnsafeBuffer(packet), 0,
            packet.length);
        final byte[] request = DerpTestClient.upgradeRequest(true).getBytes(US_ASCII);
        final byte[] all = new byte[request.length + infoLength + sendLength];
        System.arraycopy(request, 0, all, 0, request.length);
        info.getBytes(0, all, request.length, infoLength);
        send.getBytes(0, all, request.length + infoLength, sendLength);
        try (DerpTestClient a = DerpTestClient.open(server.localAddress(), null, sender)) {
            a.sendRaw(all);
            assertThat(DerpTestClient.packet(b.awaitFrame(FrameType.RECV_PACKET, WAIT))).containsExactly(7, 8, 9);
        }
        assertThat(admissions(AdmissionDecision.ADMITTED)).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("the callback is given the client's key and source address")
    void callbackSeesKeyAndSource(final Transport transport) throws Exception {
        final List<Object> seen = new ArrayList<>();
        start(transport, DerpRelayServer.builder().clientAdmission((key, source) -> {
            synchronized (seen) {
                seen.add(key);
                seen.add(source);
            }
            return CompletableFuture.completedFuture(true);
        }));
        final NodePrivateKey key = NodePrivateKey.generate();
        connect(key);
        synchronized (seen) {
            assertThat(seen).containsExactly(key.publicKey(), InetAddress.getByName("127.0.0.1"));
        }
    }
}
