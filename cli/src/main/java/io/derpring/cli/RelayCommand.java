package io.derpring.cli;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.derpring.internal.relay.RelayConfig;
import io.derpring.runtime.InvalidConfigException;
import io.derpring.server.DerpRelayServer;
import io.derpring.transport.internal.EventLoops;
import io.derpring.transport.Transport;
import io.netty.util.ResourceLeakDetector;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code derpring relay}: serves DERP until Ctrl-C or SIGTERM. A JVM shutdown hook closes the server cleanly:
 * it stops accepting, closes every client (counting queued packets as {@code shutdown} drops) and stops its loops.
 */
@Command(name = "relay", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Serve DERP (HTTP /derp upgrade, optional TLS) with Prometheus metrics, until Ctrl-C / SIGTERM.")
public final class RelayCommand implements Callable<Integer> {
    /** derper -dev listens on :3340 (SPEC §2.6). */
    static final String DEFAULT_LISTEN = "127.0.0.1:3340";
    static final String DEFAULT_METRICS = "127.0.0.1:9340";
    /** derper {@code -stun-port 3478}, on the DERP listen address's IP. */
    static final int DEFAULT_STUN_PORT = 3478;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = DEFAULT_LISTEN, converter = HostPort.class,
        description = "Where to serve DERP: IPv4 (127.0.0.1:3340), IPv6 in brackets ([::1]:3340), or :PORT for every "
            + "interface; port 0 picks a free one. Default: ${DEFAULT-VALUE}.")
    InetSocketAddress listen;

    @Option(names = "--tls-cert", paramLabel = "FILE",
        description = "PEM certificate chain: serve TLS (https://). Needs --tls-key.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM PKCS#8 private key of --tls-cert.")
    Path tlsKey;

    @Option(names = "--metrics", paramLabel = "HOST:PORT|off", defaultValue = DEFAULT_METRICS,
        converter = HostPort.OrOff.class,
        description = "Where to serve Prometheus metrics (GET /metrics), or off. Default: ${DEFAULT-VALUE}.")
    InetSocketAddress metrics;

    @Option(names = "--transport", paramLabel = "auto|io_uring|epoll|nio", defaultValue = "auto",
        converter = TransportChoice.class,
        description = "Netty transport; auto picks io_uring, else epoll, else NIO. Default: ${DEFAULT-VALUE}.")
    Transport transport;

    @Option(names = "--threads", paramLabel = "N",
        description = "Event loops (= relay shards). Default: one per core.")
    Integer threads;

    @Option(names = "--raw", description = "Test setting: DERP from the first byte, no HTTP upgrade.")
    boolean raw;

    @Option(names = "--tcp-write-timeout", paramLabel = "TIME", defaultValue = "2s", converter = DurationText.class,
        description = "derper's: close a client when no frame sent to it has wholly left for this long "
            + "(the clock restarts with each frame; mesh peers get 30s). Default: ${DEFAULT-VALUE}.")
    Duration tcpWriteTimeout;

    @Option(names = "--per-client-rate-limit", paramLabel = "BYTES_PER_SEC", defaultValue = "0",
        description = "Receive rate per client (SPEC 3.7, derper RateConfig): reading pauses while a client is over "
            + "it; nothing is dropped. Mesh peers are exempt. 0 = unlimited. Default: ${DEFAULT-VALUE}.")
    long perClientRateLimit;

    @Option(names = "--per-client-rate-burst", paramLabel = "BYTES", defaultValue = "0",
        description = "Burst of the per-client rate limit; raised to 65568 (one full packet) when lower. "
            + "Default: ${DEFAULT-VALUE}.")
    long perClientRateBurst;

    @Option(names = "--accept-connection-limit", paramLabel = "PER_SEC", defaultValue = "+Inf",
        converter = AcceptRateText.class,
        description = "Connections accepted per second (derper's flag); the rest are closed at accept and counted. "
            + "Default: ${DEFAULT-VALUE} (no limit).")
    double acceptConnectionLimit;

    @Option(names = "--accept-connection-burst", paramLabel = "N", defaultValue = "2147483647",
        description = "Burst of --accept-connection-limit (derper's flag). Default: ${DEFAULT-VALUE}.")
    int acceptConnectionBurst;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "0",
        description = "Open connections in total, checked at accept before TLS and HTTP; over it a connection is "
            + "closed and counted. 0 = no cap. Default: ${DEFAULT-VALUE}.")
    int maxConnections;

    @Option(names = "--max-connections-per-ip", paramLabel = "N", defaultValue = "0",
        description = "Open connections per source (IPv4 address or IPv6 /64), checked at accept; a proven mesh peer "
            + "stops counting. "
            + "0 = no cap. Default: ${DEFAULT-VALUE}.")
    int maxConnectionsPerIp;

    @Option(names = "--allow-list", paramLabel = "FILE",
        description = "Only these node keys may connect (one nodekey:<hex> per line, # comments; mesh peers aside). "
            + "Re-read when it changes; a bad change keeps the previous list.")
    Path allowList;

    @Option(names = "--http-requests-per-connection", paramLabel = "N", defaultValue = "100",
        description = "HTTP requests one connection may make before its DERP upgrade (or on one metrics connection); "
            + "the next is answered 429 and the connection closed. Default: ${DEFAULT-VALUE}.")
    int httpRequestsPerConnection;

    @Option(names = "--metrics-timeout", paramLabel = "TIME", defaultValue = "10s", converter = DurationText.class,
        description = "Each metrics request and its answer must complete within this; a half-sent request is closed. "
            + "Default: ${DEFAULT-VALUE}.")
    Duration metricsTimeout;

    @Option(names = "--direct-memory-budget", paramLabel = "BYTES", defaultValue = "0",
        description = "Direct memory over which the relay stops reading every connection until use is back under 90% "
            + "of it; 0 = 75% of the JVM's direct-memory limit (-XX:MaxDirectMemorySize). Default: ${DEFAULT-VALUE}.")
    long directMemoryBudget;

    @Option(names = "--key-file", paramLabel = "FILE",
        description = "derper's -c: the server's private key as JSON {\"PrivateKey\":\"privkey:<hex>\"}; created "
            + "owner-only (0600) with a new key when missing, so the key survives restarts. A bad file is an error, "
            + "never replaced. Default: a new key per start.")
    Path keyFile;

    @Option(names = "--http-listen", paramLabel = "HOST:PORT|off", defaultValue = "off", converter = HostPort.OrOff.class,
        description = "derper's -http-port: plain HTTP answering /generate_204 and redirecting every other GET/HEAD to "
            + "https:// (302); needs --tls-cert. Default: ${DEFAULT-VALUE}.")
    InetSocketAddress httpListen;

    @Option(names = "--verify-client-url", paramLabel = "URL",
        description = "derper's: admission controller. For each new client (mesh peers aside) POST "
            + "{\"NodePublic\":\"nodekey:...\",\"Source\":\"IP\"}; only a 200 answer {\"Allow\":true} admits. "
            + "An answer is reused for the same key and source for 10s.")
    URI verifyClientUrl;

    @Option(names = "--verify-client-url-fail-open", paramLabel = "true|false", arity = "0..1", defaultValue = "true",
        fallbackValue = "true",
        description = "derper's: admit when the controller cannot be reached, does not answer within "
            + "--verify-client-url-timeout, or already has --verify-client-url-max-in-flight requests waiting. "
            + "A non-200 answer, bad JSON or \"Allow\":false refuses either way. Default: ${DEFAULT-VALUE}.")
    boolean verifyClientUrlFailOpen;

    @Option(names = "--verify-client-url-timeout", paramLabel = "TIME", defaultValue = "5s",
        converter = DurationText.class,
        description = "Time limit of each admission request (Go's: 5s); must be below the 10s handshake deadline. "
            + "Default: ${DEFAULT-VALUE}.")
    Duration verifyClientUrlTimeout;

    @Option(names = "--verify-client-url-max-in-flight", paramLabel = "N", defaultValue = "256",
        description = "Admission requests waiting on the controller at once; a client over it is decided by "
            + "--verify-client-url-fail-open without asking (counted). Default: ${DEFAULT-VALUE}.")
    int verifyClientUrlMaxInFlight;

    @Option(names = "--stun", paramLabel = "IP:PORT|off", converter = StunText.class,
        description = "Where to answer STUN (UDP), as derper does, or off. IP literals only (no DNS lookup). "
            + "Default: the --listen address's IP, port " + DEFAULT_STUN_PORT + ".")
    StunText.Choice stun;

    @Option(names = "--mesh-with", paramLabel = "HOST[,HOST...]", split = ",",
        description = "Other relays of this region to mesh with (derper's flag): HOST dials https://HOST/derp on 443, "
            + "HOST/DIALHOST names HOST but dials DIALHOST; http(s)://HOST:PORT URLs also work. The list may include "
            + "this relay (found by --hostname or by its server key). Needs a mesh key.")
    java.util.List<String> meshWith = new java.util.ArrayList<>();

    @Option(names = "--mesh-psk-file", paramLabel = "FILE",
        description = "The region's mesh key: 64 lowercase hex digits. Otherwise taken from $"
            + MeshKeyText.ENV + ".")
    Path meshPskFile;

    @Option(names = "--hostname", paramLabel = "NAME", defaultValue = "derp.tailscale.com",
        description = "This relay's own name; a --mesh-with entry with this name is skipped. Default: ${DEFAULT-VALUE}.")
    String hostname;

    @Option(names = "--mesh-trust", paramLabel = "FILE",
        description = "PEM CA certificates that mesh peers' TLS certificates must chain to. Default: the JVM's trust "
            + "store.")
    Path meshTrust;

    // Issue 15 (overload): appended at the end of the options.
    @Option(names = "--sender-pause", paramLabel = "TIME", defaultValue = "10ms", converter = DurationText.class,
        description = "Stop reading a client for at most this long while a destination it writes to is backlogged "
            + "(queue half full, socket not writable), rather than read its packets only to drop them; 0 = drop at the "
            + "full queue without pausing, as derper does. At most 1s. Default: ${DEFAULT-VALUE}.")
    Duration senderPause;

    @Option(names = "--mesh-max-keys", paramLabel = "N", defaultValue = "" + RelayConfig.DEFAULT_MAX_KEYS_PER_MESH_PEER,
        description = "The most keys one mesh peer may report connected; more are refused and counted "
            + "(derp_mesh_peer_keys_refused_total). Default: ${DEFAULT-VALUE}.")
    int meshMaxKeys;

    /** The process environment; tests substitute their own. */
    java.util.Map<String, String> environment = System.getenv();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile DerpRelayServer server;

    /** The server these options describe, not yet started. */
    DerpRelayServer.Builder builder() {
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new InvalidConfigException("--tls-cert and --tls-key go together");
        }
        final DerpRelayServer.Builder b = DerpRelayServer.builder().listen(listen).metricsAddress(metrics)
            .transport(transport).threads(threads != null ? threads : EventLoops.defaultThreads()).rawDerp(raw)
            .writeDeadlineNs(tcpWriteTimeout.toNanos())
            .perClientRateLimitBytesPerSec(perClientRateLimit).perClientRateBurstBytes(perClientRateBurst)
            .acceptConnectionLimit(acceptConnectionLimit).acceptConnectionBurst(acceptConnectionBurst)
            .maxConnections(maxConnections).maxConnectionsPerIp(maxConnectionsPerIp).allowList(allowList)
            .maxHttpRequestsPerConnection(httpRequestsPerConnection).metricsTimeoutNs(metricsTimeout.toNanos())
            .directMemoryBudgetBytes(directMemoryBudget).senderPauseNs(senderPause.toNanos())
            .meshMaxKeys(meshMaxKeys)
            .verifyClientUrl(verifyClientUrl).verifyClientUrlFailOpen(verifyClientUrlFailOpen)
            .verifyClientUrlTimeoutNs(verifyClientUrlTimeout.toNanos()).verifyClientUrlMaxInFlight(verifyClientUrlMaxInFlight);
        if (tlsCert != null) {
            b.tls(tlsCert, tlsKey);
        }
        if (keyFile != null) {
            b.keyFile(keyFile);
        }
        b.httpListen(httpListen);
        b.stun(stunAddress());
        final io.derpring.keys.MeshKey meshKey = MeshKeyText.load(meshPskFile, environment);
        if (meshKey != null) {
            b.meshKey(meshKey);
        }
        final java.util.List<io.derpring.server.MeshAddress> peers = new java.util.ArrayList<>();
        for (final String entry : meshWith) {
            if (!entry.isBlank()) {
                peers.add(io.derpring.server.MeshAddress.parse(entry.trim()));
            }
        }
        if (!peers.isEmpty() && meshKey == null) {
            throw new InvalidConfigException("--mesh-with needs a mesh key: --mesh-psk-file FILE or $" + MeshKeyText.ENV);
        }
        b.meshWith(peers).hostname(hostname).meshTrust(meshTrust);
        return b;
    }

    /** The STUN address these options ask for: derper's default when {@code --stun} is absent, null when off. */
    InetSocketAddress stunAddress() {
        return stun != null ? stun.address() : new InetSocketAddress(listen.getAddress(), DEFAULT_STUN_PORT);
    }

    @Override
    public Integer call() throws Exception {
        disableLeakDetectionUnlessAsked();
        final DerpRelayServer s = builder().build().start();
        server = s;
        final Thread hook = new Thread(this::stop, "derpring-relay-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        final PrintWriter out = spec.commandLine().getOut();
        final InetSocketAddress where = s.localAddress();
        out.println("derpring relay: serving DERP on " + (tlsCert != null ? "https://" : "http://") + hostPort(where)
            + (raw ? " (raw DERP)" : "/derp") + ", transport " + s.settings().transport().cliName()
            + (s.metricsAddress() != null ? ", metrics http://" + hostPort(s.metricsAddress()) + "/metrics" : "")
            + (s.httpAddress() != null ? ", plain HTTP (redirects) http://" + hostPort(s.httpAddress()) : "")
            + ", server key " + s.publicKey() + ". Ctrl-C stops.");
        if (s.stunAddress() != null) {
            out.println("derpring relay: answering STUN on udp " + hostPort(s.stunAddress()));
        }
        out.flush();
        stop.await();
        s.close(); // idempotent: also covers a stop() that came while the server was starting
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (final IllegalStateException shuttingDown) {
            // Stopped by the hook itself: the JVM is already on its way out.
        }
        return 0;
    }

    /**
     * Netty's default leak detection tracks one pooled buffer in 128 with a wrapper and a stack trace: an allocation
     * and a stack walk on the forwarding path (JFR, perf-results/2026-11-30-relay-tuning-jdk17). The relay process
     * runs without it unless {@value #LEAK_DETECTION_PROPERTY} is given; tests keep theirs (paranoid, from the pom).
     */
    static void disableLeakDetectionUnlessAsked() {
        if (System.getProperty(LEAK_DETECTION_PROPERTY) == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
    }

    static final String LEAK_DETECTION_PROPERTY = "io.netty.leakDetection.level";

    /** The running server, or null before {@link #call()} has started it. */
    DerpRelayServer server() {
        return server;
    }

    /** Closes the server (idempotent) and lets {@link #call()} return. Any thread. */
    void stop() {
        final DerpRelayServer s = server;
        if (s != null) {
            s.close();
        }
        stop.countDown();
    }

    static String hostPort(final InetSocketAddress a) {
        final String host = a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? '[' + host + ']' : host) + ':' + a.getPort();
    }
}
