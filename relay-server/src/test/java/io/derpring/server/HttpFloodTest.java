package io.derpring.server;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import io.derpring.internal.frame.FrameType;
import io.derpring.transport.Transport;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * D1 and D2 (issue 12): clients that pipeline keep-alive requests and never read the answers, on the DERP port's HTTP
 * stage and on the metrics port. For the whole flood the relay's memory (heap after GC, plus the pooled allocator's
 * direct memory, plus the JDK's direct buffer pool) grows by at most {@link #MAX_GROWTH_BYTES}, and a healthy DERP
 * pair on the same relay, sending a packet every 10 ms, keeps its p99 latency under {@link #P99_BOUND} (on a machine
 * so loaded that an unflooded pair on a second relay, measured at the same time, already misses that: under
 * {@link #LOADED_MACHINE_FACTOR} times its p99).
 */
@Timeout(180)
class HttpFloodTest {
    private static final Duration FLOOD = Duration.ofSeconds(10);
    private static final long MAX_GROWTH_BYTES = 64L << 20;
    private static final Duration P99_BOUND = Duration.ofMillis(250);
    private static final long PAIR_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final int FLOOD_CONNECTIONS = 2;
    /** How much worse than an unflooded pair, measured at the same time on its own relay, the flooded pair may be. */
    private static final long LOADED_MACHINE_FACTOR = 3;
    /** The flood runs this long before the pairs start, so the JIT has compiled its paths (counted in memory). */
    private static final Duration FLOOD_WARMUP = Duration.ofSeconds(1);
    /** Deep enough that a briefly starved test reader shows up as latency, not as queue drops. */
    private static final int PAIR_QUEUE_DEPTH = 1024;
    /** Nor is a test reader the machine starves for two seconds closed by the write timeout: here that is not tested. */
    private static final long PAIR_WRITE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);
    /** The flooders' receive window stays small, so their unread answers back up into the relay at once. */
    private static final int FLOODER_RECEIVE_BUFFER = 4096;
    private static final int REQUESTS_PER_WRITE = 256;
    private static final Duration WAIT = Duration.ofSeconds(10);
    private DerpRelayServer server;
    /** A second relay nobody floods: its pair measures what the machine itself does to latency meanwhile. */
    private DerpRelayServer control;

    static List<Transport> transports() {
        return Transport.available();
    }

    private ResourceLeakDetector.Level leakLevel;

    /** Paranoid leak tracking (the build's setting) records a stack per buffer: it would be what the flood measures. */
    @BeforeEach
    void lightLeakTracking() {
        leakLevel = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (control != null) {
            control.close();
        }
        ResourceLeakDetector.setLevel(leakLevel);
    }

    private void start(final Transport transport) throws Exception {
        server = DerpRelayServer.builder().transport(transport).threads(2).queueDepth(PAIR_QUEUE_DEPTH)
            .writeDeadlineNs(PAIR_WRITE_TIMEOUT_NS)
            .listen(new InetSocketAddress("127.0.0.1", 0)).build().start();
        control = DerpRelayServer.builder().transport(transport).threads(2).queueDepth(PAIR_QUEUE_DEPTH)
            .writeDeadlineNs(PAIR_WRITE_TIMEOUT_NS)
            .metricsAddress(null).listen(new InetSocketAddress("127.0.0.1", 0)).build().start();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("D1: pipelined GET / that is never read keeps relay memory bounded and a DERP pair's p99 low")
    void derpPortPipelineFloodIsBounded(final Transport transport) throws Exception {
        start(transport);
        final Result r = flood(server.localAddress(), "GET / HTTP/1.1\r\nHost: relay\r\n\r\n", false);
        r.assertBounded();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("D2: pipelined GET /metrics that is never read keeps memory bounded and DERP handshakes working")
    void metricsPortPipelineFloodIsBounded(final Transport transport) throws Exception {
        start(transport);
        final Result r = flood(server.metricsAddress(), "GET /metrics HTTP/1.1\r\nHost: relay\r\n\r\n", true);
        r.assertBounded();
        assertThat(r.handshakeDuringFlood).as("a DERP handshake during the flood").isTrue();
    }

    private Result flood(final InetSocketAddress target, final String request, final boolean handshakeMidway)
        throws Exception {
        final byte[] batch = request.repeat(REQUESTS_PER_WRITE).getBytes(US_ASCII);
        try (DerpTestClient a = DerpTestClient.connect(server.localAddress(), DerpTestClient.Mode.HTTP, null);
             DerpTestClient b = DerpTestClient.connect(server.localAddress(), DerpTestClient.Mode.HTTP, null);
             DerpTestClient c = DerpTestClient.connect(control.localAddress(), DerpTestClient.Mode.HTTP, null);
             DerpTestClient d = DerpTestClient.connect(control.localAddress(), DerpTestClient.Mode.HTTP, null)) {
            final long before = relayMemory();
            final AtomicBoolean stop = new AtomicBoolean();
            final List<Thread> flooders = new ArrayList<>();
            for (int i = 0; i < FLOOD_CONNECTIONS; i++) {
                final Thread t = new Thread(() -> floodUntil(target, batch, stop), "flooder-" + i);
                t.setDaemon(true);
                t.start();
                flooders.add(t);
            }
            LockSupport.parkNanos(FLOOD_WARMUP.toNanos());
            final int packets = (int) (FLOOD.toNanos() / PAIR_INTERVAL_NS);
            final long[] flooded = latencies(packets);
            final long[] calm = latencies(packets);
            final Thread floodedReceiver = receiver(b, flooded);
            final Thread calmReceiver = receiver(d, calm);
            boolean handshook = !handshakeMidway;
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[Long.BYTES + Integer.BYTES]);
            long next = System.nanoTime();
            for (int i = 0; i < packets; i++) {
                LockSupport.parkNanos(next - System.nanoTime());
                payload.putInt(0, i);
                payload.putLong(Integer.BYTES, System.nanoTime());
                a.sendPacket(b.publicKey(), payload.byteArray());
                c.sendPacket(d.publicKey(), payload.byteArray());
                next += PAIR_INTERVAL_NS;
                if (!handshook && i == packets / 2) {
                    try (DerpTestClient late = DerpTestClient.connect(server.localAddress(), DerpTestClient.Mode.HTTP, null)) {
                        handshook = late.serverInfo() != null;
                    } catch (final IOException failed) {
                        handshook = false;
                    }
                    next = System.nanoTime();
                }
            }
            floodedReceiver.join(WAIT.toMillis() * 2);
            calmReceiver.join(WAIT.toMillis() * 2);
            final long after = relayMemory(); // flooders still connected: their unread answers still count
            stop.set(true);
            for (final Thread t : flooders) {
                t.join(WAIT.toMillis());
            }
            return new Result(after - before, p99(flooded), p99(calm), handshook);
        }
    }

    private static long[] latencies(final int packets) {
        final long[] latencyNs = new long[packets];
        Arrays.fill(latencyNs, Long.MAX_VALUE); // a packet never received counts as infinitely late
        return latencyNs;
    }

    private static Thread receiver(final DerpTestClient at, final long[] latencyNs) {
        final Thread t = new Thread(() -> receive(at, latencyNs), "pair-receiver");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static long p99(final long[] latencyNs) {
        final long[] sorted = latencyNs.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.ceil(sorted.length * 0.99) - 1];
    }

    private static void floodUntil(final InetSocketAddress target, final byte[] batch, final AtomicBoolean stop) {
        while (!stop.get()) {
            try (Socket s = new Socket()) {
                s.setReceiveBufferSize(FLOODER_RECEIVE_BUFFER);
                s.connect(target, (int) WAIT.toMillis());
                final OutputStream out = s.getOutputStream();
                while (!stop.get()) {
                    out.write(batch); // never reads: every answer stays unread
                }
            } catch (final IOException closedByRelay) {
                // the relay ended this connection; open the next one
            }
        }
    }

    private static void receive(final DerpTestClient b, final long[] latencyNs) {
        int seen = 0;
        try {
            while (seen < latencyNs.length) {
                final DerpTestClient.Frame f = b.awaitFrame(FrameType.RECV_PACKET, WAIT);
                final UnsafeBuffer p = new UnsafeBuffer(DerpTestClient.packet(f));
                latencyNs[p.getInt(0)] = System.nanoTime() - p.getLong(Integer.BYTES);
                seen++;
            }
        } catch (final IOException lateOrGone) {
            // the rest stay at Long.MAX_VALUE
        }
    }

    /** Heap after GC, plus Netty's pooled direct memory, plus the JDK's direct buffer pool. */
    static long relayMemory() {
        for (int i = 0; i < 2; i++) {
            System.gc();
        }
        final long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        final long pooled = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
        long direct = 0;
        for (final BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                direct = pool.getMemoryUsed();
            }
        }
        return heap + pooled + direct;
    }

    private record Result(long growthBytes, long p99Ns, long controlP99Ns, boolean handshakeDuringFlood) {
        void assertBounded() {
            // CI shares two cores: when an unflooded pair measured at the same time already misses the bound, the machine
            // is the cause, and the flooded pair may only be a little worse. The defects made it seconds, or lost packets.
            final long boundNs = Math.max(P99_BOUND.toNanos(), LOADED_MACHINE_FACTOR * controlP99Ns);
            System.out.printf("flood: relay memory growth %.1f MiB, pair p99 %.1f ms (unflooded pair %.1f ms, bound %.1f ms)%n",
                growthBytes / 1048576.0, p99Ns / 1e6, controlP99Ns / 1e6, boundNs / 1e6);
            assertThat(growthBytes).as("relay memory growth during the flood (bytes)").isLessThanOrEqualTo(MAX_GROWTH_BYTES);
            assertThat(p99Ns).as("healthy pair p99 (ns)").isLessThan(boundNs);
        }
    }
}
