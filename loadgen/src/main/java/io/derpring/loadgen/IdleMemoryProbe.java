package io.derpring.loadgen;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.derpring.runtime.InvalidConfigException;
import io.derpring.runtime.JvmRequirements;
import io.derpring.transport.Transport;
import io.derpring.transport.internal.EventLoops;
import io.netty.channel.EventLoopGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code loadgen --idle-connections N}: what an idle DERP connection costs the relay in resident memory. Opens N
 * handshaken raw DERP connections (ServerInfo received, nothing sent after), waits {@link #SETTLE}, and divides the
 * relay's RSS growth by N. The baseline is taken after a warm-up ({@link #WARMUP_PAIRS} pairs opened and closed), so
 * the one-time cost of loading and compiling the connection path is not counted per connection.
 *
 * <p>The relay must not share a process with the clients, or their memory would be counted as its: without
 * {@code --relay} the probe starts one in a child JVM ({@link IdleRelayProcess}, same classpath and transport, heap
 * capped at {@link #CHILD_MAX_HEAP}), which also reports its heap and direct memory after a full collection, so the
 * growth can be split into heap, direct buffers and the rest (socket and native memory). With {@code --relay} the
 * relay's RSS is read from {@code process_resident_memory_bytes} on its {@code --relay-metrics}.
 */
final class IdleMemoryProbe {
    private static final Logger LOG = LoggerFactory.getLogger(IdleMemoryProbe.class);
    /** Long enough for the relay's post-handshake work (key registration, first watcher events) to finish. */
    static final Duration SETTLE = Duration.ofSeconds(2);
    /** Pairs opened and closed before the baseline (1,000 connections): the handshake path is loaded and compiled. */
    static final int WARMUP_PAIRS = 500;
    /** Measurements (each a full GC and a pause) waiting for the relay to drop the warm-up keys. */
    static final int WARMUP_DRAIN_CHECKS = 20;
    /** A fixed heap cap keeps the child's heap sizing from depending on the box (24 GB here: 6 GB by default). */
    static final String CHILD_MAX_HEAP = "-Xmx1g";
    static final String RSS_METRIC = "process_resident_memory_bytes";
    /** The child prints its port within this, or it failed. */
    static final Duration CHILD_START_TIMEOUT = Duration.ofSeconds(30);
    /** Handshake budget per connection on top of the usual connect timeout (10,000 connections: 70 s in all). */
    static final long CONNECT_NS_PER_CONNECTION = TimeUnit.MILLISECONDS.toNanos(5);
    /**
     * Extra JVM flags for the child relay, space-separated (e.g. {@code -Xms1g -XX:+AlwaysPreTouch}: a heap whose
     * pages are all resident before the first connection, so the RSS growth is the non-heap part alone).
     */
    static final String CHILD_OPTS_ENV = "DERPRING_IDLE_RELAY_OPTS";
    private static final Duration SCRAPE_TIMEOUT = Duration.ofSeconds(5);

    private final LoadOptions options;
    private final RunKeys keys;

    IdleMemoryProbe(final LoadOptions options, final RunKeys keys) {
        this.options = options;
        this.keys = keys;
    }

    /** Relay memory at one moment; -1 where not known. */
    record Sample(long rss, long heap, long direct, long nettyDirect, long keys) {
    }

    /** The relay under test: its address and a way to read its memory. */
    private interface RelayUnderTest extends AutoCloseable {
        RelayUrl url();

        Sample measure() throws IOException, InterruptedException;

        @Override
        void close();
    }

    IdleReport run(final PrintStream progress) throws Exception {
        JvmRequirements.requireAgronaAccess();
        final Transport transport = options.transport() != null ? options.transport() : Transport.detect();
        final int pairs = (options.idleConnections() + 1) / 2;
        final int connections = 2 * pairs;
        EventLoopGroup group = null;
        RawClients clients = null;
        try (RelayUnderTest relay = options.embeddedRelays() ? ChildRelay.start(transport) : scraped()) {
            group = EventLoops.create(transport, EventLoops.defaultThreads(), "derpring-loadgen-idle", false);
            warmUp(relay, transport, group, Math.min(pairs, WARMUP_PAIRS), progress);
            final Sample before = relay.measure();
            log(progress, "relay before: " + before);
            clients = clients(relay, transport, group, pairs);
            final long startNs = System.nanoTime();
            clients.connect(LoadGenerator.CONNECT_TIMEOUT_NS + connections * CONNECT_NS_PER_CONNECTION);
            log(progress, String.format("%,d connections handshaken in %.1f s; settling %d s", connections,
                (System.nanoTime() - startNs) / 1e9, SETTLE.toSeconds()));
            TimeUnit.NANOSECONDS.sleep(SETTLE.toNanos());
            final Sample after = relay.measure();
            log(progress, "relay after: " + after);
            final boolean allUp = clients.allConnected();
            return new IdleReport(connections, transport.cliName(), relay.url().tls(), LoadGenerator.jdk(),
                options.embeddedRelays() ? "child process" : relay.url().toString(), before, after, allUp);
        } finally {
            if (clients != null) {
                clients.close();
            }
            if (group != null) {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
        }
    }

    private RawClients clients(final RelayUnderTest relay, final Transport transport, final EventLoopGroup group,
                               final int pairs) {
        final PairState[] state = new PairState[pairs];
        for (int p = 0; p < pairs; p++) {
            state[p] = new PairState(p, 1, 1);
        }
        final TrafficSink sink = new TrafficSink(state, options.sizeBytes(), options.window(), new LatencyRecorder(),
            new AtomicLong(), new SenderWakeup());
        return new RawClients(state, List.of(relay.url()), options.tlsInsecure(), transport, group, sink,
            options.sizeBytes(), keys, new ConnectionEvents(LOG::warn)); // an idle connection closing is news
    }

    /**
     * Opens and closes {@code pairs} pairs' connections before the baseline, so that what loading and compiling the
     * handshake path costs (the NMT diff of a cold run: +15 MB compiler arenas, +7 MB metaspace, +4 MB code, +8 MB
     * Netty's first direct chunk, against 28 MB of live heap for 10,000 connections) lands before "before" instead of
     * being divided among the connections. Waits until the relay holds no key again (bounded).
     */
    private void warmUp(final RelayUnderTest relay, final Transport transport, final EventLoopGroup group,
                        final int pairs, final PrintStream progress) throws IOException, InterruptedException {
        final RawClients warm = clients(relay, transport, group, pairs);
        try {
            warm.connect(LoadGenerator.CONNECT_TIMEOUT_NS + 2L * pairs * CONNECT_NS_PER_CONNECTION);
        } finally {
            warm.close();
        }
        for (int i = 0; i < WARMUP_DRAIN_CHECKS; i++) {
            final Sample s = relay.measure();
            if (s.keys() <= 0) {
                break;
            }
        }
        log(progress, String.format("warmed up with %,d connections (opened and closed)", 2 * pairs));
    }

    private static void log(final PrintStream progress, final String line) {
        if (progress != null) {
            progress.println("[idle] " + line);
        }
    }

    /** An external relay: its RSS from its metrics; heap and direct memory unknown. */
    private RelayUnderTest scraped() {
        if (options.relays().size() != 1 || options.relayMetrics().size() != 1) {
            throw new InvalidConfigException("--idle-connections with --relay needs exactly one --relay and its "
                + "--relay-metrics (for " + RSS_METRIC + ")");
        }
        final RelayUrl url = RelayUrl.parse(options.relays().get(0));
        final URI metrics = options.relayMetrics().get(0);
        final HttpClient http = HttpClient.newBuilder().connectTimeout(SCRAPE_TIMEOUT).build();
        return new RelayUnderTest() {
            @Override
            public RelayUrl url() {
                return url;
            }

            @Override
            public Sample measure() throws IOException, InterruptedException {
                final HttpResponse<String> r = http.send(HttpRequest.newBuilder(metrics).timeout(SCRAPE_TIMEOUT)
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200 || !r.body().contains(RSS_METRIC)) {
                    throw new IllegalStateException("relay metrics " + metrics + " have no " + RSS_METRIC + " (HTTP "
                        + r.statusCode() + ")");
                }
                return new Sample(RelayDrops.Scraped.sumOf(r.body(), RSS_METRIC), -1, -1, -1, -1);
            }

            @Override
            public void close() {
                // not ours to stop
            }
        };
    }

    /** {@link IdleRelayProcess} in a child JVM on this one's classpath. */
    static final class ChildRelay implements RelayUnderTest {
        private final Process process;
        private final BufferedReader out;
        private final Writer in;
        private final RelayUrl url;

        private ChildRelay(final Process process) throws IOException {
            this.process = process;
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            final String port = awaitLine("port ");
            this.url = new RelayUrl(false, "127.0.0.1", Integer.parseInt(port.trim()));
        }

        static ChildRelay start(final Transport transport) throws IOException {
            final List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add(CHILD_MAX_HEAP);
            command.add("--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED");
            command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
            final String extra = System.getenv(CHILD_OPTS_ENV);
            if (extra != null && !extra.isBlank()) {
                command.addAll(List.of(extra.trim().split("\\s+")));
            }
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(IdleRelayProcess.class.getName());
            command.add(transport.cliName());
            final Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try {
                return new ChildRelay(p);
            } catch (final IOException | RuntimeException e) {
                p.destroyForcibly();
                throw e;
            }
        }

        /** The next protocol line starting with {@code what}, its rest; other output of the child is skipped. */
        private String awaitLine(final String what) throws IOException {
            final long deadlineNs = System.nanoTime() + CHILD_START_TIMEOUT.toNanos();
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith(IdleRelayProcess.PREFIX + what)) {
                    return line.substring((IdleRelayProcess.PREFIX + what).length());
                }
                if (System.nanoTime() - deadlineNs > 0) {
                    break;
                }
            }
            throw new IOException("the idle relay process ended or said nothing about '" + what + "' (exit "
                + (process.isAlive() ? "none yet" : String.valueOf(process.exitValue())) + ")");
        }

        @Override
        public RelayUrl url() {
            return url;
        }

        @Override
        public Sample measure() throws IOException {
            in.write(IdleRelayProcess.MEASURE + "\n");
            in.flush();
            final Map<String, Long> v = new HashMap<>();
            for (final String kv : ("rss=" + awaitLine("rss=")).trim().split(" ")) {
                final int eq = kv.indexOf('=');
                v.put(kv.substring(0, eq), Long.parseLong(kv.substring(eq + 1)));
            }
            return new Sample(v.get("rss"), v.get("heap"), v.get("direct"), v.get("netty"), v.get("keys"));
        }

        @Override
        public void close() {
            try {
                in.close(); // end of input: the child stops its relay and exits
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (final IOException e) {
                process.destroyForcibly();
            } catch (final InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
