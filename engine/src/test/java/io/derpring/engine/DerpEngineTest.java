package io.derpring.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import io.derpring.dataplane.Dataplane;
import io.derpring.derpmap.DerpMap;
import io.derpring.derpmap.DerpMapParser;
import io.derpring.internal.engine.DerpEngineConfig;
import io.derpring.derpmap.DerpNode;
import io.derpring.derpmap.DerpRegion;
import io.derpring.keys.DiscoPrivateKey;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.netmap.Netmap;
import io.derpring.internal.region.DerpDialer;
import io.derpring.internal.region.DerpLink;
import io.derpring.internal.region.LinkListener;
import io.derpring.region.RegionState;
import io.derpring.internal.ring.InboundRing;
import io.derpring.runtime.InvalidConfigException;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two engines wired through an in-memory relay: the whole engine on real threads, without sockets. */
@Timeout(60)
class DerpEngineTest {
    private static final DerpMap MAP = DerpMap.builder()
        .region(900, "a", r -> r.node("900a", "relay.example.test", 0))
        .region(901, "b", r -> r.node("901a", "relay2.example.test", 0).ipv4("127.0.0.1"))
        .build();

    /** Delivers SendPacket to the destination engine's ring as RecvPacket(src || packet), per region. */
    static final class InMemoryRelay {
        final Map<NodeKey, InboundRing> clients = new ConcurrentHashMap<>();

        DialerFactory dialerFor() {
            return (ring, self) -> new DerpDialer() {
                @Override
                public DerpLink dial(final DerpRegion region, final DerpNode node, final String ideal,
                                     final LinkListener listener) {
                    clients.put(self.publicKey(), ring);
                    listener.onConnected();
                    return new Link(self.publicKey(), region.regionId(), listener);
                }
            };
        }

        final class Link implements DerpLink {
            final NodeKey self;
            final int region;
            final LinkListener listener;
            volatile boolean closed;

            Link(final NodeKey self, final int region, final LinkListener listener) {
                this.self = self;
                this.region = region;
                this.listener = listener;
            }

            @Override
            public SendResult send(final NodeKey destination, final DirectBuffer buffer, final int offset,
                                   final int length) {
                final InboundRing ring = clients.get(destination);
                if (closed || ring == null) {
                    return SendResult.NO_ROUTE;
                }
                final UnsafeBuffer frame = new UnsafeBuffer(new byte[32 + length]);
                self.writeTo(frame, 0);
                frame.putBytes(32, buffer, offset, length);
                return ring.offer(region, frame, 0, 32, length, System.nanoTime(), null) == InboundRing.PUBLISHED
                    ? SendResult.ACCEPTED : SendResult.BACK_PRESSURED;
            }

            @Override
            public SendResult sendDisco(final NodeKey destination, final DirectBuffer buffer, final int offset,
                                        final int length) {
                return send(destination, buffer, offset, length);
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
                closed = true;
            }
        }
    }

    static final class Collecting implements Dataplane {
        final ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();

        @Override
        public void onPacket(final NodeKey peer, final int regionId, final DirectBuffer buffer, final int offset,
                             final int length) {
            received.add(peer + "@" + regionId + ":" + buffer.getInt(offset));
        }
    }

    private final InMemoryRelay relay = new InMemoryRelay();
    private final NodePrivateKey keyA = NodePrivateKey.generate();
    private final NodePrivateKey keyB = NodePrivateKey.generate();
    private final DiscoPrivateKey discoA = DiscoPrivateKey.generate();
    private final DiscoPrivateKey discoB = DiscoPrivateKey.generate();
    private final Collecting dataplaneA = new Collecting();
    private final Collecting dataplaneB = new Collecting();
    private DerpEngine a;
    private DerpEngine b;

    private DerpEngine engine(final NodePrivateKey self, final DiscoPrivateKey disco, final Collecting dataplane) {
        final DerpEngine engine = new DerpEngine(DerpEngineConfig.defaults(), self, disco, dataplane,
            relay.dialerFor(), null).start();
        final Netmap.Builder netmap = Netmap.builder();
        netmap.addPeer(keyA.publicKey(), discoA.publicKey(), 900);
        netmap.addPeer(keyB.publicKey(), discoB.publicKey(), 900);
        engine.updateNetmap(netmap.build());
        engine.updateDerpMap(MAP);
        engine.setHomeRegion(900);
        return engine;
    }

    @AfterEach
    void close() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    @Test
    void packetsFlowBothWaysThroughTheEnginesHomeRegion() {
        a = engine(keyA, discoA, dataplaneA);
        b = engine(keyB, discoB, dataplaneB);
        awaitTrue(() -> connected(a, 900) && connected(b, 900));

        final UnsafeBuffer packet = new UnsafeBuffer(new byte[1200]);
        for (int i = 0; i < 100; i++) {
            packet.putInt(0, i);
            a.send(keyB.publicKey(), packet, 0, 1200);
            b.send(keyA.publicKey(), packet, 0, 1200);
        }
        awaitTrue(() -> dataplaneA.received.size() == 100 && dataplaneB.received.size() == 100);

        assertThat(dataplaneB.received).first().isEqualTo(keyA.publicKey() + "@900:0");
        assertThat(dataplaneA.received).last().isEqualTo(keyB.publicKey() + "@900:99");
        assertThat(a.metrics().value("derpring_engine_region_sent")).isEqualTo(100);
        assertThat(a.metrics().value("derpring_engine_inbound_delivered_to_dataplane")).isEqualTo(100);
        assertThat(b.observedRegionOf(keyA.publicKey())).isEqualTo(900);
    }

    @Test
    void stunServersComeOnlyFromFixedIpv4Literals() {
        a = engine(keyA, discoA, dataplaneA);
        assertThat(a.stunServersV4()).extracting(Object::toString).containsExactly("/127.0.0.1:3478");
    }

    @Test
    @org.junit.jupiter.api.DisplayName("§5.5: relay codes map each resolvable peer to its region's RegionCode")
    void relayCodesMapEachResolvablePeerToItsRegionCode() {
        a = engine(keyA, discoA, dataplaneA);
        awaitTrue(() -> connected(a, 900));
        final NodeKey homedOutsideTheMap = NodePrivateKey.generate().publicKey();
        final Netmap.Builder netmap = Netmap.builder();
        netmap.addPeer(keyB.publicKey(), discoB.publicKey(), 901);
        netmap.addPeer(keyA.publicKey(), discoA.publicKey(), Netmap.NO_REGION);
        netmap.addPeer(homedOutsideTheMap, null, 999);
        a.updateNetmap(netmap.build());

        assertThat(a.relayCodesForPeers()).containsExactly(Map.entry(keyB.publicKey(), "b"),
            Map.entry(keyA.publicKey(), "a"));
    }

    @Test
    void statusReportsEveryRegion() {
        a = engine(keyA, discoA, dataplaneA);
        awaitTrue(() -> connected(a, 900));
        assertThat(a.status()).hasSize(2);
        assertThat(a.status().get(0).home()).isTrue();
        assertThat(a.status().get(1).state()).isEqualTo(RegionState.DORMANT);
    }

    @Test
    void rebindRefusesANullCollectionOrAddressAndChangesNothing() {
        a = engine(keyA, discoA, dataplaneA);
        awaitTrue(() -> connected(a, 900));
        final java.util.List<java.net.InetAddress> withNull = new java.util.ArrayList<>();
        withNull.add(null);

        assertThatThrownBy(() -> a.rebind(null)).isInstanceOf(NullPointerException.class)
            .hasMessageContaining("current local addresses");
        assertThatThrownBy(() -> a.rebind(withNull)).isInstanceOf(NullPointerException.class)
            .hasMessageContaining("address is null");
        assertThat(a.metrics().value("derpring_engine_region_rebinds")).isZero();
        assertThat(connected(a, 900)).isTrue();
    }

    @Test
    void invalidConfigFailsFastNamingTheSetting() {
        assertThatThrownBy(() -> new DerpEngineConfig(DerpEngineConfig.defaults().regions(),
            DerpEngineConfig.defaults().ring(), false, 15))
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("disco key cache = 15");
        assertThat(new DerpEngineConfig(DerpEngineConfig.defaults().regions(), DerpEngineConfig.defaults().ring(),
            false, DerpEngineConfig.MIN_DISCO_KEY_CACHE).discoKeyCache()).isEqualTo(16);
    }

    @Test
    void connectedCompletesOnceTheHomeRegionIsConnected() throws Exception {
        a = engine(keyA, discoA, dataplaneA);

        a.connected().get(20, TimeUnit.SECONDS);

        assertThat(connected(a, 900)).isTrue();
    }

    @Test
    void awaitConnectedCompletesForTheConnectedHomeRegion() throws Exception {
        a = engine(keyA, discoA, dataplaneA);
        a.connected().get(20, TimeUnit.SECONDS);

        a.awaitConnected(900, Duration.ofSeconds(20)).get(20, TimeUnit.SECONDS);
    }

    @Test
    void awaitConnectedRefusesATimeoutOutOfRange() {
        a = engine(keyA, discoA, dataplaneA);

        assertThatThrownBy(() -> a.awaitConnected(900, Duration.ZERO)).isInstanceOf(InvalidConfigException.class)
            .hasMessageContaining("awaitConnected timeout = PT0S");
    }

    @Test
    void closeFailsTheConnectedFuture() {
        final DerpEngine engine = new DerpEngine(DerpEngineConfig.defaults(), keyA, discoA, dataplaneA,
            relay.dialerFor(), null).start();
        final CompletableFuture<Void> connected = engine.connected();
        engine.close();

        assertThatThrownBy(() -> connected.get(20, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
            .hasCauseInstanceOf(IllegalStateException.class).hasMessageContaining("engine closed");
    }

    @Test
    void closeIsIdempotent() {
        a = engine(keyA, discoA, dataplaneA);
        a.close();
        a.close();
        assertThat(a.send(keyB.publicKey(), new UnsafeBuffer(new byte[8]), 0, 8)).isEqualTo(SendResult.NO_ROUTE);
    }

    private static boolean connected(final DerpEngine engine, final int region) {
        final List<io.derpring.region.RegionStatus> status = engine.status();
        return status.stream().anyMatch(s -> s.regionId() == region && s.state() == RegionState.CONNECTED);
    }

    private static void awaitTrue(final BooleanSupplier condition) {
        awaitTrue("condition", condition);
    }

    /** Polls {@code condition} every millisecond for up to 20 s. */
    static void awaitTrue(final String what, final BooleanSupplier condition) {
        final long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(what + ": not met in time");
            }
            LockSupport.parkNanos(1_000_000);
        }
    }
}
