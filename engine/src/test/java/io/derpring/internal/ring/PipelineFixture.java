package io.derpring.internal.ring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;

import io.derpring.internal.crypto.BoxKey;
import io.derpring.dataplane.Dataplane;
import io.derpring.internal.dataplane.DataplaneHandoff;
import io.derpring.internal.disco.CallMeMaybeFilter;
import io.derpring.internal.disco.CallMeMaybeFlyweight;
import io.derpring.disco.DirectPathSink;
import io.derpring.internal.disco.DiscoDemuxHandler;
import io.derpring.internal.disco.DiscoKeyCache;
import io.derpring.internal.disco.DiscoSealer;
import io.derpring.disco.EndpointList;
import io.derpring.internal.disco.PingFlyweight;
import io.derpring.internal.disco.PongFlyweight;
import io.derpring.keys.DiscoKey;
import io.derpring.keys.DiscoPrivateKey;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.internal.metrics.Counters;
import io.derpring.netmap.Netmap;
import io.derpring.internal.netmap.NetmapHolder;
import io.derpring.internal.route.ObservedRouteLearner;
import io.derpring.internal.route.ObservedRoutes;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A whole inbound pipeline with two netmap peers (A and B) and a recording dataplane and direct-path sink:
 * what a DERP connection would offer, without a socket.
 */
final class PipelineFixture implements AutoCloseable {
    static final int REGION_1 = 900;
    static final int REGION_2 = 901;

    final DiscoPrivateKey ourDisco = DiscoPrivateKey.generate();
    final Peer peerA = new Peer();
    final Peer peerB = new Peer();
    final Peer stranger = new Peer();
    final NetmapHolder netmaps = new NetmapHolder();
    final Counters<InboundCounter> counters = new Counters<>(InboundCounter.class);
    final ObservedRoutes routes;
    final DiscoDemuxHandler demux;
    final RecordingDataplane dataplane = new RecordingDataplane();
    final RecordingSink sink = new RecordingSink();
    final InboundRing ring;

    PipelineFixture(final InboundRingConfig config) {
        this(config, null);
    }

    PipelineFixture(final InboundRingConfig config, final Dataplane dataplaneOverride) {
        final Netmap.Builder netmap = Netmap.builder();
        netmap.addPeer(peerA.node, peerA.disco, REGION_1);
        netmap.addPeer(peerB.node, peerB.disco, Netmap.NO_REGION);
        netmaps.publish(netmap.build());
        routes = new ObservedRoutes(netmaps.current());
        netmaps.addListener(routes);
        demux = new DiscoDemuxHandler(new DiscoKeyCache(ourDisco, 64), CallMeMaybeFilter.ipv4Only(), counters);
        ring = new InboundRing(config, netmaps, counters,
            new ObservedRouteLearner(routes, counters), demux,
            new DataplaneHandoff(dataplaneOverride != null ? dataplaneOverride : dataplane, counters));
    }

    PipelineFixture start() {
        ring.start();
        return this;
    }

    /** A RecvPacket payload as the wire has it: sender node key, then the packet. */
    static UnsafeBuffer recvPayload(final NodeKey sender, final DirectBuffer packet, final int length) {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[32 + length]);
        sender.writeTo(frame, 0);
        frame.putBytes(32, packet, 0, length);
        return frame;
    }

    int offer(final int region, final NodeKey sender, final UnsafeBuffer packet, final BackpressureListener l) {
        final UnsafeBuffer frame = recvPayload(sender, packet, packet.capacity());
        return ring.offer(region, frame, 0, 32, packet.capacity(), System.nanoTime(), l);
    }

    int offer(final int region, final Peer sender, final UnsafeBuffer packet) {
        return offer(region, sender.node, packet, null);
    }

    /** A WireGuard transport-data-like packet: type 4, three zero bytes, then a recognisable pattern. */
    static UnsafeBuffer wireGuard(final int length, final int seed) {
        final UnsafeBuffer p = new UnsafeBuffer(new byte[length]);
        p.putByte(0, (byte) 4);
        for (int i = 4; i < length; i++) {
            p.putByte(i, (byte) (seed + i));
        }
        return p;
    }

    UnsafeBuffer callMeMaybe(final Peer from, final DiscoKey senderDiscoOverride, final EndpointList endpoints) {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[CallMeMaybeFlyweight.encodedLength(endpoints.size())]);
        final int length = CallMeMaybeFlyweight.encode(payload, 0, endpoints);
        return seal(from, senderDiscoOverride, payload, length);
    }

    UnsafeBuffer ping(final Peer from) {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[PingFlyweight.encodedLength(true, 0)]);
        final int length = PingFlyweight.encode(payload, 0, new UnsafeBuffer(new byte[12]), 0, from.node, 0);
        return seal(from, null, payload, length);
    }

    UnsafeBuffer pong(final Peer from) {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[PongFlyweight.LENGTH]);
        final int length = PongFlyweight.encodeIpv4(payload, 0, new UnsafeBuffer(new byte[12]), 0,
            0x01020304, 41641);
        return seal(from, null, payload, length);
    }

    private UnsafeBuffer seal(final Peer from, final DiscoKey senderOverride, final UnsafeBuffer payload,
                              final int length) {
        final DiscoKey sender = senderOverride != null ? senderOverride : from.disco;
        final DiscoPrivateKey senderPrivate = senderOverride != null ? from.discoPrivateFor(senderOverride)
            : from.discoPrivate;
        final UnsafeBuffer packet = new UnsafeBuffer(new byte[DiscoSealer.sealedLength(length)]);
        new DiscoSealer(sender).seal(BoxKey.derive(senderPrivate, ourDisco.publicKey()), payload, 0, length,
            packet, 0);
        return packet;
    }

    static EndpointList endpoints(final int... ipv4AndPorts) {
        final EndpointList list = new EndpointList(64);
        for (int i = 0; i < ipv4AndPorts.length; i += 2) {
            list.addIpv4(ipv4AndPorts[i], ipv4AndPorts[i + 1]);
        }
        return list;
    }

    static void awaitTrue(final BooleanSupplier condition, final Duration timeout) {
        final long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadlineNs > 0) {
                throw new AssertionError("condition not met within " + timeout);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** Waits until every published frame has been through the last stage. */
    void awaitDrained() {
        awaitTrue(() -> ring.slotsInUse() == 0, Duration.ofSeconds(10));
    }

    @Override
    public void close() {
        ring.close();
    }

    static final class Peer {
        final NodePrivateKey nodePrivate = NodePrivateKey.generate();
        final NodeKey node = nodePrivate.publicKey();
        final DiscoPrivateKey discoPrivate = DiscoPrivateKey.generate();
        final DiscoKey disco = discoPrivate.publicKey();
        private final List<DiscoPrivateKey> others = new ArrayList<>();

        /** Lets a test seal with another peer's disco key (which that peer, in the test, may "steal"). */
        void knowsDiscoPrivate(final DiscoPrivateKey key) {
            others.add(key);
        }

        DiscoPrivateKey discoPrivateFor(final DiscoKey key) {
            for (final DiscoPrivateKey k : others) {
                if (k.publicKey().equals(key)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("peer does not hold the private key for " + key);
        }
    }

    /** A packet the dataplane received, copied out of the slot. */
    record Received(NodeKey peer, int regionId, byte[] bytes) {
    }

    static final class RecordingDataplane implements Dataplane {
        final ConcurrentLinkedQueue<Received> packets = new ConcurrentLinkedQueue<>();
        volatile int batches;

        @Override
        public void onPacket(final NodeKey peer, final int regionId, final DirectBuffer buffer, final int offset,
                             final int length) {
            final byte[] copy = new byte[length];
            buffer.getBytes(offset, copy);
            packets.add(new Received(peer, regionId, copy));
        }

        @Override
        public void onEndOfBatch() {
            batches++;
        }
    }

    record Taught(NodeKey peer, DiscoKey disco, List<java.net.InetSocketAddress> endpoints) {
    }

    static final class RecordingSink implements DirectPathSink {
        final ConcurrentLinkedQueue<Taught> taught = new ConcurrentLinkedQueue<>();

        @Override
        public void onCallMeMaybe(final NodeKey peer, final DiscoKey peerDiscoKey, final EndpointList endpoints) {
            taught.add(new Taught(peer, peerDiscoKey, endpoints.toSocketAddresses()));
        }
    }
}
