package io.derpring.transport.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

import javax.net.ssl.TrustManagerFactory;

import io.derpring.derpmap.TransportSecurity;
import io.derpring.engine.OutboundOverflow;
import io.derpring.engine.ReconnectSchedule;
import io.derpring.engine.RingFullPolicy;
import io.derpring.engine.StageThreading;
import io.derpring.engine.WaitStrategyChoice;
import io.derpring.internal.engine.DerpEngineConfig;
import io.derpring.internal.region.RegionSettings;
import io.derpring.internal.ring.InboundRingConfig;
import io.derpring.keys.DiscoPrivateKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.runtime.InvalidConfigException;
import io.derpring.transport.Transport;
import io.derpring.transport.internal.EventLoops;
import io.derpring.transport.internal.client.DerpClientSettings;
import io.derpring.transport.internal.engine.NettyTransportSettings;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The one public builder: its defaults, every setting reaching the built engine, and errors naming the method. */
@Timeout(60)
class NettyDerpEngineBuilderTest {

    private static NettyDerpEngineBuilder minimal() {
        return NettyDerpEngine.builder()
            .keys(NodePrivateKey.generate(), DiscoPrivateKey.generate())
            .dataplane((peer, region, buffer, offset, length) -> { })
            .ioThreads(1);
    }

    @Test
    void withOnlyTheRequiredPartsEverySettingIsItsDefault() {
        try (NettyDerpEngine built = NettyDerpEngine.builder()
            .keys(NodePrivateKey.generate(), DiscoPrivateKey.generate())
            .dataplane((peer, region, buffer, offset, length) -> { })
            .build()) {
            final DerpEngineConfig config = built.config();
            final DerpEngineConfig defaults = DerpEngineConfig.defaults();
            assertThat(config.regions()).isEqualTo(RegionSettings.defaults());
            assertThat(config.ring()).hasToString(InboundRingConfig.defaults().toString());
            assertThat(config.ipv6Candidates()).isEqualTo(defaults.ipv6Candidates());
            assertThat(config.discoKeyCache()).isEqualTo(defaults.discoKeyCache());

            final NettyTransportSettings settings = built.settings();
            final NettyTransportSettings defaultSettings = NettyTransportSettings.defaults();
            assertThat(settings).hasToString(defaultSettings.toString());
            assertThat(settings.shutdownQuietPeriod()).isEqualTo(defaultSettings.shutdownQuietPeriod());
            assertThat(settings.shutdownTimeout()).isEqualTo(defaultSettings.shutdownTimeout());
            assertThat(settings.securityOverride()).isNull();

            final DerpClientSettings client = settings.client();
            final DerpClientSettings defaultClient = DerpClientSettings.defaults();
            assertThat(client.connectTimeoutNs()).isEqualTo(defaultClient.connectTimeoutNs());
            assertThat(client.keepAliveDeadlineNs()).isEqualTo(defaultClient.keepAliveDeadlineNs());
            assertThat(client.writeDeadlineNs()).isEqualTo(defaultClient.writeDeadlineNs());
            assertThat(client.deadlineCheckIntervalNs()).isEqualTo(defaultClient.deadlineCheckIntervalNs());
            assertThat(client.outboundQueueDepth()).isEqualTo(defaultClient.outboundQueueDepth());
            assertThat(client.outboundSlotCapacity()).isEqualTo(defaultClient.outboundSlotCapacity());
            assertThat(client.writeBufferLowWaterMark()).isEqualTo(defaultClient.writeBufferLowWaterMark());
            assertThat(client.writeBufferHighWaterMark()).isEqualTo(defaultClient.writeBufferHighWaterMark());
            assertThat(client.maxResponseHeadBytes()).isEqualTo(defaultClient.maxResponseHeadBytes());
            assertThat(client.userAgent()).isEqualTo(defaultClient.userAgent());
            assertThat(client.fastStartAllowed()).isEqualTo(defaultClient.fastStartAllowed());
            assertThat(client.forcedFastStartServerKey()).isNull();
        }
    }

    @Test
    void engineAndRegionSettingsReachTheEngine() {
        try (NettyDerpEngine built = minimal().ipv6Candidates(true).discoKeyCache(64)
            .idleTimeout(Duration.ofSeconds(7)).reconnectSchedule(ReconnectSchedule.FLAT_500MS)
            .minStableConnection(Duration.ofSeconds(4))
            .connectingQueueDepth(5).discoQueueDepth(3).outboundOverflow(OutboundOverflow.DROP_OLDEST).conductorIdlePark(Duration.ofMillis(20)).connectedTimeout(Duration.ofSeconds(3)).build()) {
            final DerpEngineConfig config = built.config();
            assertThat(config.ipv6Candidates()).isTrue();
            assertThat(config.conductorIdleParkNs()).isEqualTo(Duration.ofMillis(20).toNanos());
            assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
            assertThat(config.discoKeyCache()).isEqualTo(64);
            assertThat(config.regions()).isEqualTo(new RegionSettings(Duration.ofSeconds(7).toNanos(),
                ReconnectSchedule.FLAT_500MS, 5, 3, OutboundOverflow.DROP_OLDEST, Duration.ofSeconds(4).toNanos()));
            assertThat(built.settings().client().discoQueueDepth()).isEqualTo(3);
        }
    }

    @Test
    void aStageThreadFactoryReachesTheRingAndMakesItsThread() {
        final java.util.concurrent.atomic.AtomicInteger made = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.ThreadFactory factory = r -> {
            made.incrementAndGet();
            final Thread t = new Thread(r, "embedder-stage");
            t.setDaemon(true);
            return t;
        };
        try (NettyDerpEngine built = minimal().stageThreadFactory(factory).build().start()) {
            assertThat(built.config().ring().stageThreadFactory()).isSameAs(factory);
            assertThat(made.get()).isPositive();
        }
    }

    @Test
    void invokedStageThreadingStartsThroughTheInvokerNotStart() {
        try (NettyDerpEngine built = minimal().stageThreading(StageThreading.INVOKED).build()) {
            assertThatThrownBy(built::start).isInstanceOf(IllegalStateException.class);
            final org.agrona.concurrent.AgentInvoker invoker = built.startInvoker();
            assertThat(invoker.isStarted()).isTrue();
            invoker.invoke();
        }
    }

    @Test
    void ringSettingsReachTheEngine() {
        try (NettyDerpEngine built = minimal().ringSize(128).ringSlotCapacity(4096).spillBuffers(0)
            .ringFullPolicy(RingFullPolicy.DROP_NEWEST).stageThreading(StageThreading.CHAINED)
            .waitStrategy(WaitStrategyChoice.YIELDING).singleProducerRing(true).build()) {
            final InboundRingConfig ring = built.config().ring();
            assertThat(ring.ringSize()).isEqualTo(128);
            assertThat(ring.slotCapacity()).isEqualTo(4096);
            assertThat(ring.spillBuffers()).isZero();
            assertThat(ring.fullPolicy()).isEqualTo(RingFullPolicy.DROP_NEWEST);
            assertThat(ring.threading()).isEqualTo(StageThreading.CHAINED);
            assertThat(ring.waitStrategy()).isEqualTo(WaitStrategyChoice.YIELDING);
            assertThat(ring.singleProducer()).isTrue();
        }
    }

    @Test
    void transportSettingsReachTheEngineAndItsGroup() throws Exception {
        final TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        try (NettyDerpEngine built = minimal().transport(Transport.NIO).ioThreads(3).pinIoThreads(true)
            .trust(trust).shutdown(Duration.ofMillis(10), Duration.ofSeconds(2)).build()) {
            final NettyTransportSettings settings = built.settings();
            assertThat(settings.transport()).isEqualTo(Transport.NIO);
            assertThat(settings.ioThreads()).isEqualTo(3);
            assertThat(settings.pinThreads()).isTrue();
            assertThat(settings.trust()).isSameAs(trust);
            assertThat(settings.shutdownQuietPeriod()).isEqualTo(Duration.ofMillis(10));
            assertThat(settings.shutdownTimeout()).isEqualTo(Duration.ofSeconds(2));
            assertThat(built.group()).as("one loop per I/O thread").hasSize(3);
        }
        try (NettyDerpEngine built = minimal().tls(TlsMode.PLAIN_HTTP_FOR_TESTS).build()) {
            assertThat(built.settings().securityOverride()).isInstanceOf(TransportSecurity.PlainHttp.class);
        }
    }

    @Test
    void connectionSettingsReachEveryConnection() {
        final LongSupplier clock = () -> 42L;
        final NodePrivateKey server = NodePrivateKey.generate();
        try (NettyDerpEngine built = minimal().connectTimeout(Duration.ofSeconds(3))
            .keepAliveDeadline(Duration.ofSeconds(30)).writeDeadline(Duration.ofSeconds(4))
            .deadlineCheckInterval(Duration.ofMillis(250)).connectionQueueDepth(64).connectionSlotCapacity(512)
            .writeBufferWaterMarks(1024, 4096).maxResponseHeadBytes(2048).userAgent("gateway/1.0").fastStart(false)
            .nanoClock(clock).forceFastStartForTests(server.publicKey()).build()) {
            final DerpClientSettings client = built.settings().client();
            assertThat(client.connectTimeoutNs()).isEqualTo(TimeUnit.SECONDS.toNanos(3));
            assertThat(client.keepAliveDeadlineNs()).isEqualTo(TimeUnit.SECONDS.toNanos(30));
            assertThat(client.writeDeadlineNs()).isEqualTo(TimeUnit.SECONDS.toNanos(4));
            assertThat(client.deadlineCheckIntervalNs()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(250));
            assertThat(client.outboundQueueDepth()).isEqualTo(64);
            assertThat(client.outboundSlotCapacity()).isEqualTo(512);
            assertThat(client.writeBufferLowWaterMark()).isEqualTo(1024);
            assertThat(client.writeBufferHighWaterMark()).isEqualTo(4096);
            assertThat(client.maxResponseHeadBytes()).isEqualTo(2048);
            assertThat(client.userAgent()).isEqualTo("gateway/1.0");
            assertThat(client.fastStartAllowed()).isFalse();
            assertThat(client.nanoClock()).isSameAs(clock);
            assertThat(client.forcedFastStartServerKey()).isEqualTo(server.publicKey());
        }
    }

    static Stream<Arguments> outOfRange() {
        return Stream.of(
            invalid("discoKeyCache", b -> b.discoKeyCache(5000)),
            invalid("discoKeyCache", b -> b.discoKeyCache(DerpEngineConfig.MIN_DISCO_KEY_CACHE / 2)),
            invalid("idleTimeout", b -> b.idleTimeout(RegionSettings.MIN_IDLE_TIMEOUT.minusNanos(1))),
            invalid("idleTimeout", b -> b.idleTimeout(RegionSettings.MAX_IDLE_TIMEOUT.plusNanos(1))),
            invalid("minStableConnection", b -> b.minStableConnection(Duration.ofNanos(-1))),
            invalid("minStableConnection", b -> b.minStableConnection(
                RegionSettings.MAX_MIN_STABLE_CONNECTION.plusNanos(1))),
            invalid("conductorIdlePark", b -> b.conductorIdlePark(
                DerpEngineConfig.MIN_CONDUCTOR_IDLE_PARK.minusNanos(1))),
            invalid("conductorIdlePark", b -> b.conductorIdlePark(
                DerpEngineConfig.MAX_CONDUCTOR_IDLE_PARK.plusNanos(1))),
            invalid("connectedTimeout", b -> b.connectedTimeout(
                DerpEngineConfig.MIN_CONNECT_TIMEOUT.minusNanos(1))),
            invalid("connectedTimeout", b -> b.connectedTimeout(
                DerpEngineConfig.MAX_CONNECT_TIMEOUT.plusNanos(1))),
            invalid("connectingQueueDepth", b -> b.connectingQueueDepth(0)),
            invalid("connectingQueueDepth", b -> b.connectingQueueDepth(RegionSettings.MAX_QUEUE_DEPTH + 1)),
            invalid("discoQueueDepth", b -> b.discoQueueDepth(0)),
            invalid("discoQueueDepth", b -> b.discoQueueDepth(RegionSettings.MAX_QUEUE_DEPTH + 1)),
            invalid("ringSize", b -> b.ringSize(3)),
            invalid("ringSize", b -> b.ringSize(InboundRingConfig.MIN_RING_SIZE / 2)),
            invalid("ringSize", b -> b.ringSize(InboundRingConfig.MAX_RING_SIZE * 2)),
            invalid("ringSlotCapacity", b -> b.ringSlotCapacity(InboundRingConfig.MIN_SLOT_CAPACITY - 1)),
            invalid("ringSlotCapacity", b -> b.ringSlotCapacity(InboundRingConfig.MAX_PACKET_LENGTH + 1)),
            invalid("spillBuffers", b -> b.spillBuffers(-1)),
            invalid("spillBuffers", b -> b.spillBuffers(InboundRingConfig.MAX_SPILL_BUFFERS + 1)),
            invalid("ioThreads", b -> b.ioThreads(0)),
            invalid("ioThreads", b -> b.ioThreads(NettyTransportSettings.MAX_IO_THREADS + 1)),
            invalid("shutdown timeout", b -> b.shutdown(Duration.ZERO, Duration.ZERO)),
            invalid("shutdown timeout", b -> b.shutdown(Duration.ZERO,
                NettyTransportSettings.MAX_SHUTDOWN_TIMEOUT.plusMillis(1))),
            invalid("shutdown quietPeriod", b -> b.shutdown(Duration.ofSeconds(2), Duration.ofSeconds(1))),
            invalid("shutdown quietPeriod", b -> b.shutdown(Duration.ofMillis(-1), Duration.ofSeconds(1))),
            invalid("connectTimeout", b -> b.connectTimeout(Duration.ZERO)),
            invalid("keepAliveDeadline", b -> b.keepAliveDeadline(Duration.ofSeconds(-1))),
            invalid("writeDeadline", b -> b.writeDeadline(Duration.ZERO)),
            invalid("deadlineCheckInterval", b -> b.deadlineCheckInterval(Duration.ofDays(365L * 300))),
            invalid("connectionQueueDepth", b -> b.connectionQueueDepth(0)),
            invalid("connectionQueueDepth", b -> b.connectionQueueDepth(
                DerpClientSettings.MAX_OUTBOUND_QUEUE_DEPTH + 1)),
            invalid("connectionSlotCapacity", b -> b.connectionSlotCapacity(
                DerpClientSettings.MIN_OUTBOUND_SLOT_CAPACITY - 1)),
            invalid("connectionSlotCapacity", b -> b.connectionSlotCapacity(
                DerpClientSettings.MAX_SEND_FRAME_LENGTH + 1)),
            invalid("writeBufferWaterMarks low", b -> b.writeBufferWaterMarks(0, 10)),
            invalid("writeBufferWaterMarks high", b -> b.writeBufferWaterMarks(10, 5)),
            invalid("maxResponseHeadBytes", b -> b.maxResponseHeadBytes(
                DerpClientSettings.MIN_MAX_RESPONSE_HEAD_BYTES - 1)),
            invalid("maxResponseHeadBytes", b -> b.maxResponseHeadBytes(
                DerpClientSettings.MAX_MAX_RESPONSE_HEAD_BYTES + 1)),
            invalid("userAgent", b -> b.userAgent("a\r\nX-Evil: 1")));
    }

    private static Arguments invalid(final String named, final Consumer<NettyDerpEngineBuilder> call) {
        return Arguments.of(named, call);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("outOfRange")
    void aValueOutOfRangeFailsAtTheCallNamingTheMethod(final String named,
                                                       final Consumer<NettyDerpEngineBuilder> call) {
        assertThatThrownBy(() -> call.accept(NettyDerpEngine.builder())).isInstanceOf(InvalidConfigException.class)
            .hasMessageStartingWith(named);
    }

    @Test
    void theLimitsThemselvesAreAccepted() {
        final NettyDerpEngineBuilder b = NettyDerpEngine.builder();
        b.discoKeyCache(DerpEngineConfig.MIN_DISCO_KEY_CACHE).discoKeyCache(DerpEngineConfig.MAX_DISCO_KEY_CACHE)
            .idleTimeout(RegionSettings.MIN_IDLE_TIMEOUT).idleTimeout(RegionSettings.MAX_IDLE_TIMEOUT)
            .minStableConnection(Duration.ZERO).minStableConnection(RegionSettings.MAX_MIN_STABLE_CONNECTION)
            .conductorIdlePark(DerpEngineConfig.MIN_CONDUCTOR_IDLE_PARK)
            .conductorIdlePark(DerpEngineConfig.MAX_CONDUCTOR_IDLE_PARK)
            .connectedTimeout(DerpEngineConfig.MIN_CONNECT_TIMEOUT).connectedTimeout(DerpEngineConfig.MAX_CONNECT_TIMEOUT)
            .connectingQueueDepth(1).connectingQueueDepth(RegionSettings.MAX_QUEUE_DEPTH)
            .discoQueueDepth(1).discoQueueDepth(RegionSettings.MAX_QUEUE_DEPTH)
            .ringSize(InboundRingConfig.MIN_RING_SIZE).ringSize(InboundRingConfig.MAX_RING_SIZE)
            .ringSlotCapacity(InboundRingConfig.MIN_SLOT_CAPACITY)
            .ringSlotCapacity(InboundRingConfig.MAX_PACKET_LENGTH)
            .spillBuffers(0).spillBuffers(InboundRingConfig.MAX_SPILL_BUFFERS)
            .ioThreads(1).ioThreads(NettyTransportSettings.MAX_IO_THREADS)
            .shutdown(NettyTransportSettings.MAX_SHUTDOWN_TIMEOUT, NettyTransportSettings.MAX_SHUTDOWN_TIMEOUT)
            .connectTimeout(Duration.ofNanos(1)).connectTimeout(Duration.ofNanos(Long.MAX_VALUE))
            .connectionQueueDepth(1).connectionQueueDepth(DerpClientSettings.MAX_OUTBOUND_QUEUE_DEPTH)
            .connectionSlotCapacity(DerpClientSettings.MIN_OUTBOUND_SLOT_CAPACITY)
            .connectionSlotCapacity(DerpClientSettings.MAX_SEND_FRAME_LENGTH)
            .writeBufferWaterMarks(1, 1)
            .maxResponseHeadBytes(DerpClientSettings.MIN_MAX_RESPONSE_HEAD_BYTES)
            .maxResponseHeadBytes(DerpClientSettings.MAX_MAX_RESPONSE_HEAD_BYTES);
    }

    @Test
    void aRingLargerThanOneBufferFailsAtBuildNamingBothMethods() {
        assertThatThrownBy(() -> minimal().ringSize(1 << 16).ringSlotCapacity(1 << 15).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("ringSize x ringSlotCapacity");
    }

    @Test
    void aTrustStoreWithoutCertificateVerificationFailsAtBuild() throws Exception {
        final TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        assertThatThrownBy(() -> minimal().trust(trust).tls(TlsMode.INSECURE_FOR_TESTS).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("trust").hasMessageContaining("tls");
    }

    @Test
    void aMissingRequiredPartNamesTheMethodToCall() {
        assertThatThrownBy(() -> NettyDerpEngine.builder().dataplane((p, r, b, o, l) -> { }).build())
            .isInstanceOf(NullPointerException.class).hasMessageContaining("keys(");
        assertThatThrownBy(() -> NettyDerpEngine.builder().keys(NodePrivateKey.generate(), DiscoPrivateKey.generate())
            .build()).isInstanceOf(NullPointerException.class).hasMessageContaining("dataplane(");
    }

    // ---- bring your own event loop group ----

    static List<Transport> transports() {
        return Transport.available();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void aGivenGroupRunsTheEngineAndOutlivesIt(final Transport transport) throws Exception {
        final EventLoopGroup group = EventLoops.create(transport, 1, "embedder-io", false);
        try {
            final NettyDerpEngine built = NettyDerpEngine.builder()
                .keys(NodePrivateKey.generate(), DiscoPrivateKey.generate())
                .dataplane((peer, region, buffer, offset, length) -> { })
                .eventLoopGroup(group)
                .build()
                .start();
            assertThat(built.group()).isSameAs(group);
            assertThat(built.settings().transport()).as("the group's own transport").isEqualTo(transport);
            built.close();
            assertThat(group.isShuttingDown()).isFalse();
            assertThat(group.submit(() -> 42).get(10, TimeUnit.SECONDS)).as("still runs tasks").isEqualTo(42);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void anEngineOwnedGroupIsShutDownOnClose() {
        final NettyDerpEngine built = minimal().build().start();
        final EventLoopGroup group = built.group();
        built.close();
        assertThat(group.isShutdown()).isTrue();
    }

    @Test
    void aGivenGroupRefusesThreadSettingsThatOnlySizeAnOwnedGroup() {
        final EventLoopGroup group = EventLoops.create(Transport.NIO, 1, "embedder-io", false);
        try {
            assertThatThrownBy(() -> minimal().eventLoopGroup(group).build())
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("ioThreads");
            assertThatThrownBy(() -> NettyDerpEngine.builder().keys(NodePrivateKey.generate(),
                DiscoPrivateKey.generate()).dataplane((p, r, b, o, l) -> { }).pinIoThreads(true)
                .eventLoopGroup(group).build())
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("pinIoThreads");
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void aGivenGroupMustMatchAForcedTransportAndBeAnIoGroup() {
        final EventLoopGroup nio = EventLoops.create(Transport.NIO, 1, "embedder-io", false);
        final EventLoopGroup plain = new DefaultEventLoopGroup(1);
        try {
            if (Transport.EPOLL.isAvailable()) {
                assertThatThrownBy(() -> NettyDerpEngine.builder().keys(NodePrivateKey.generate(),
                    DiscoPrivateKey.generate()).dataplane((p, r, b, o, l) -> { }).transport(Transport.EPOLL)
                    .eventLoopGroup(nio).build())
                    .isInstanceOf(InvalidConfigException.class).hasMessageContaining("eventLoopGroup");
            }
            assertThatThrownBy(() -> NettyDerpEngine.builder().keys(NodePrivateKey.generate(),
                DiscoPrivateKey.generate()).dataplane((p, r, b, o, l) -> { }).eventLoopGroup(plain).build())
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("IoEventLoopGroup");
        } finally {
            nio.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            plain.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
