package io.derpring.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import io.derpring.derpmap.DerpMap;
import io.derpring.derpmap.DerpMapParser;
import io.derpring.internal.engine.DerpEngineConfig;
import io.derpring.internal.metrics.CounterDescriptor;
import io.derpring.internal.metrics.Counters;
import io.derpring.internal.metrics.PrometheusTextParser;
import io.derpring.internal.region.DerpDialer;
import io.derpring.internal.region.DerpLink;
import io.derpring.internal.ring.InboundRing;
import io.derpring.keys.DiscoPrivateKey;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.metrics.EngineMetrics;
import io.derpring.metrics.Metric;
import io.derpring.metrics.MetricType;
import io.derpring.netmap.Netmap;
import io.derpring.region.RegionState;
import io.derpring.region.RegionStatus;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A real engine's metrics on real threads (in-memory relay, no sockets), as Prometheus text and as values. */
@Timeout(60)
class DerpEngineMetricsTest {
    // Region 901 is listed first: the export orders regions by id, not by map order.
    private static final DerpMap MAP = DerpMapParser.parse("{\"Regions\":{"
        + "\"901\":{\"RegionID\":901,\"RegionCode\":\"b\",\"Nodes\":[{\"Name\":\"901a\",\"RegionID\":901,"
        + "\"HostName\":\"relay2.example.test\"}]},"
        + "\"900\":{\"RegionID\":900,\"RegionCode\":\"a\",\"Nodes\":[{\"Name\":\"900a\",\"RegionID\":900,"
        + "\"HostName\":\"relay.example.test\"}]}}}");
    private static final int PACKETS = 50;

    /** What a transport's connections might count; exported under "client". */
    enum FakeConnectionCounter implements CounterDescriptor {
        DIALS(1, "dials"),
        BYTES(2, "bytes");

        private final int id;
        private final String label;

        FakeConnectionCounter(final int id, final String label) {
            this.id = id;
            this.label = label;
        }

        @Override
        public int id() {
            return id;
        }

        @Override
        public String label() {
            return label;
        }
    }

    private final DerpEngineTest.InMemoryRelay relay = new DerpEngineTest.InMemoryRelay();
    private final NodePrivateKey keyA = NodePrivateKey.generate();
    private final NodePrivateKey keyB = NodePrivateKey.generate();
    private final DiscoPrivateKey discoA = DiscoPrivateKey.generate();
    private final DiscoPrivateKey discoB = DiscoPrivateKey.generate();
    private final DerpEngineTest.Collecting dataplaneB = new DerpEngineTest.Collecting();
    private final Counters<FakeConnectionCounter> connections = new Counters<>(FakeConnectionCounter.class);
    private DerpEngine a;
    private DerpEngine b;

    @AfterEach
    void close() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    private DerpEngine engine(final NodePrivateKey self, final DiscoPrivateKey disco,
                              final DerpEngineTest.Collecting dataplane, final DialerFactory dialers) {
        final DerpEngine engine = new DerpEngine(DerpEngineConfig.defaults(), self, disco, dataplane, dialers, null)
            .start();
        final Netmap.Builder netmap = Netmap.builder();
        netmap.addPeer(keyA.publicKey(), discoA.publicKey(), 900);
        netmap.addPeer(keyB.publicKey(), discoB.publicKey(), 900);
        engine.updateNetmap(netmap.build());
        engine.updateDerpMap(MAP);
        engine.setHomeRegion(900);
        return engine;
    }

    /** The in-memory relay's dialers, plus connection counters as a transport would report them. */
    private DialerFactory countingDialers() {
        final DialerFactory plain = relay.dialerFor();
        return new DialerFactory() {
            @Override
            public DerpDialer create(final InboundRing inbound, final NodePrivateKey self) {
                return plain.create(inbound, self);
            }

            @Override
            public Counters<?> connectionCounters() {
                return connections;
            }
        };
    }

    private void sendFromAToB() {
        a = engine(keyA, discoA, new DerpEngineTest.Collecting(), countingDialers());
        b = engine(keyB, discoB, dataplaneB, relay.dialerFor());
        awaitTrue(() -> connected(a, 900) && connected(b, 900));
        final UnsafeBuffer packet = new UnsafeBuffer(new byte[100]);
        for (int i = 0; i < PACKETS; i++) {
            a.send(keyB.publicKey(), packet, 0, packet.capacity());
        }
        awaitTrue(() -> dataplaneB.received.size() == PACKETS);
    }

    @Test
    void prometheusTextOfARunningEngineParsesWithUniqueFamilies() {
        sendFromAToB();

        final PrometheusTextParser page = PrometheusTextParser.parse(a.metrics().prometheusText());

        assertThat(page.types).hasSize(a.metrics().engineWide().size() + a.metrics().perRegion().size());
        assertThat(page.types.keySet()).allMatch(name -> name.startsWith("derpring_engine_"));
    }

    @Test
    void everyEngineWideSampleIsItsMetricsValue() {
        sendFromAToB();
        final EngineMetrics metrics = a.metrics();

        final PrometheusTextParser page = PrometheusTextParser.parse(metrics.prometheusText());

        for (final Metric m : metrics.engineWide()) {
            final String exposed = m.name() + (m.type() == MetricType.COUNTER ? "_total" : "");
            if (m.name().equals(EngineMetrics.REGION_DUTY_CYCLES)) {
                // The conductor counts a duty cycle every millisecond or so, idle or not: between the scrape and this
                // read it moves on, so the read can only be at or past the page's sample.
                assertThat(m.value()).as(exposed).isGreaterThanOrEqualTo(page.samples.get(exposed));
                continue;
            }
            assertThat(page.samples).as(exposed).containsEntry(exposed, m.value());
        }
    }

    @Test
    void sentAndDeliveredPacketsAreCounted() {
        sendFromAToB();

        final PrometheusTextParser sender = PrometheusTextParser.parse(a.metrics().prometheusText());
        final PrometheusTextParser receiver = PrometheusTextParser.parse(b.metrics().prometheusText());

        assertThat(sender.samples).containsEntry("derpring_engine_region_sent_total", (long) PACKETS);
        assertThat(receiver.samples)
            .containsEntry("derpring_engine_inbound_delivered_to_dataplane_total", (long) PACKETS)
            .containsEntry("derpring_engine_inbound_frames_published_total", (long) PACKETS);
    }

    @Test
    void ringHighWaterIsAGauge() {
        sendFromAToB();

        final PrometheusTextParser page = PrometheusTextParser.parse(b.metrics().prometheusText());

        assertThat(page.types).containsEntry("derpring_engine_inbound_ring_high_water", "gauge")
            .containsEntry("derpring_engine_inbound_ring_slots_in_use", "gauge");
        assertThat(page.samples.get("derpring_engine_inbound_ring_high_water")).isPositive();
    }

    @Test
    void connectionCountersOfTheDialerFactoryAreExportedAsTheClientGroup() {
        sendFromAToB();
        connections.add(FakeConnectionCounter.BYTES, 1234);

        final PrometheusTextParser page = PrometheusTextParser.parse(a.metrics().prometheusText());

        assertThat(page.samples).containsEntry("derpring_engine_client_bytes_total", 1234L)
            .containsEntry("derpring_engine_client_dials_total", 0L);
        assertThat(page.helps).containsEntry("derpring_engine_client_dials_total", "dials");
    }

    @Test
    void dialerFactoryWithoutCountersExportsNoClientGroup() {
        sendFromAToB();

        assertThat(b.metrics().prometheusText()).doesNotContain("derpring_engine_client_");
    }

    @Test
    void perRegionGaugesListEveryRegionOfTheMapInIdOrder() {
        sendFromAToB();

        final String text = a.metrics().prometheusText();

        assertThat(PrometheusTextParser.parse(text).samples)
            .containsEntry("derpring_engine_region_connected{region=\"900\"}", 1L)
            .containsEntry("derpring_engine_region_connected{region=\"901\"}", 0L);
        assertThat(text.indexOf("connected{region=\"900\"}")).isLessThan(text.indexOf("connected{region=\"901\"}"));
    }

    @Test
    void packetsWaitingForAConnectingRegionShowAsPending() {
        a = engine(keyA, discoA, new DerpEngineTest.Collecting(), neverConnects());
        awaitTrue(() -> state(a, 900) == RegionState.CONNECTING);
        final UnsafeBuffer packet = new UnsafeBuffer(new byte[100]);
        for (int i = 0; i < 3; i++) {
            a.send(keyB.publicKey(), packet, 0, packet.capacity());
        }

        assertThat(a.metrics().value("derpring_engine_region_pending_packets", 900)).isEqualTo(3);
        assertThat(a.metrics().value("derpring_engine_region_pending_packets", 901)).isZero();
    }

    @Test
    void connectionQueueDepthIsReadFromTheRegionsLink() {
        a = engine(keyA, discoA, new DerpEngineTest.Collecting(), connectsWithQueued(7));
        awaitTrue(() -> connected(a, 900));

        assertThat(PrometheusTextParser.parse(a.metrics().prometheusText()).samples)
            .containsEntry("derpring_engine_region_connection_queued_packets{region=\"900\"}", 7L)
            .containsEntry("derpring_engine_region_connection_queued_packets{region=\"901\"}", 0L);
    }

    @Test
    void scrapeIntoAWarmBuilderAllocatesNothing() {
        sendFromAToB();
        final EngineMetrics metrics = a.metrics();
        final StringBuilder page = new StringBuilder();
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long fewest = Long.MAX_VALUE;
        for (int round = 0; round < 3; round++) { // fewest of three: a JIT compilation inside one round is not ours
            scrape(metrics, page);
            final long before = threads.getCurrentThreadAllocatedBytes();
            scrape(metrics, page);
            fewest = Math.min(fewest, threads.getCurrentThreadAllocatedBytes() - before);
        }
        assertThat(fewest).as("bytes allocated by 1,000 scrapes into a warm builder").isLessThan(1024);
    }

    private static void scrape(final EngineMetrics metrics, final StringBuilder page) {
        for (int i = 0; i < 1_000; i++) {
            page.setLength(0);
            metrics.writePrometheus(page);
        }
    }

    private static DialerFactory neverConnects() {
        return (ring, self) -> (region, node, ideal, listener) -> new QuietLink(0);
    }

    private static DialerFactory connectsWithQueued(final int queued) {
        return (ring, self) -> (region, node, ideal, listener) -> {
            listener.onConnected();
            return new QuietLink(queued);
        };
    }

    /** A link that takes nothing and reports a fixed queue depth. */
    private record QuietLink(int queuedPackets) implements DerpLink {
        @Override
        public SendResult send(final NodeKey destination, final DirectBuffer buffer, final int offset,
                               final int length) {
            return SendResult.BACK_PRESSURED;
        }

        @Override
        public SendResult sendDisco(final NodeKey destination, final DirectBuffer buffer, final int offset,
                                    final int length) {
            return SendResult.BACK_PRESSURED;
        }

        @Override
        public void notePreferred(final boolean home) {
        }

        @Override
        public long lastReceiveNs() {
            return 0;
        }

        @Override
        public void close() {
        }
    }

    private static RegionState state(final DerpEngine engine, final int region) {
        for (final RegionStatus s : engine.status()) {
            if (s.regionId() == region) {
                return s.state();
            }
        }
        return null;
    }

    private static boolean connected(final DerpEngine engine, final int region) {
        return state(engine, region) == RegionState.CONNECTED;
    }

    private static void awaitTrue(final BooleanSupplier condition) {
        final long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("condition not met in time");
            }
            LockSupport.parkNanos(1_000_000);
        }
    }
}
