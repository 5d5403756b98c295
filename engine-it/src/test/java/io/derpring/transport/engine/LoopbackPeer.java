package io.derpring.transport.engine;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

import io.derpring.dataplane.Dataplane;
import io.derpring.derpmap.DerpMap;
import io.derpring.engine.DerpEngine;
import io.derpring.engine.SendResult;
import io.derpring.keys.DiscoPrivateKey;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.netmap.Netmap;
import io.derpring.region.RegionListener;
import io.derpring.region.RegionState;
import io.derpring.region.RegionStatus;
import io.derpring.transport.Transport;
import io.derpring.transport.engine.TlsMode;
import io.netty.channel.EventLoopGroup;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/** One real engine on Netty (plain HTTP to the loopback relays), recording what it receives and reports. */
final class LoopbackPeer implements AutoCloseable, Dataplane, RegionListener {
    /** What the dataplane got: the sender, the region it came through, the bytes. */
    record Received(NodeKey from, int regionId, byte[] bytes) {
        int seq() {
            return new UnsafeBuffer(bytes).getInt(0);
        }
    }

    final String name;
    final NodePrivateKey nodeKey = NodePrivateKey.generate();
    final DiscoPrivateKey discoKey = DiscoPrivateKey.generate();
    final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();
    final NettyDerpEngine netty;

    LoopbackPeer(final String name, final Transport transport, final Duration idleTimeout) {
        this(name, idleTimeout, b -> b.transport(transport).ioThreads(1));
    }

    /** A peer whose connections speak DERP inside WebSocket binary messages ({@code webSocket(true)}) or not. */
    LoopbackPeer(final String name, final Transport transport, final Duration idleTimeout, final boolean webSocket) {
        this(name, idleTimeout, b -> b.transport(transport).ioThreads(1).webSocket(webSocket));
    }

    /** A peer on the embedder's {@code group}: the engine neither owns nor closes it. */
    LoopbackPeer(final String name, final EventLoopGroup group, final Duration idleTimeout) {
        this(name, idleTimeout, b -> b.eventLoopGroup(group));
    }

    private LoopbackPeer(final String name, final Duration idleTimeout, final Consumer<NettyDerpEngineBuilder> loops) {
        this.name = name;
        final NettyDerpEngineBuilder builder = NettyDerpEngine.builder()
            .idleTimeout(idleTimeout)
            .ringSize(64)
            .discoKeyCache(16) // the smallest allowed: a test netmap has a few peers
            .tls(TlsMode.PLAIN_HTTP_FOR_TESTS);
        loops.accept(builder);
        netty = builder
            .keys(nodeKey, discoKey)
            .dataplane(this)
            .listener(this)
            .build()
            .start();
    }

    NodeKey key() {
        return nodeKey.publicKey();
    }

    DerpEngine engine() {
        return netty.engine();
    }

    /** Installs a netmap: each argument pair is (peer, its netmap home region or Netmap.NO_REGION). */
    LoopbackPeer netmap(final Object... peerAndHome) {
        final Netmap.Builder b = Netmap.builder();
        for (int i = 0; i < peerAndHome.length; i += 2) {
            final LoopbackPeer p = (LoopbackPeer) peerAndHome[i];
            b.addPeer(p.key(), p.discoKey.publicKey(), (Integer) peerAndHome[i + 1]);
        }
        engine().updateNetmap(b.build());
        return this;
    }

    LoopbackPeer join(final DerpMap map, final int home) {
        engine().updateDerpMap(map);
        engine().setHomeRegion(home);
        return this;
    }

    /** Sends a packet whose first 4 bytes are {@code seq}; returns the router's outcome. */
    SendResult send(final LoopbackPeer to, final int seq, final int length) {
        final UnsafeBuffer packet = new UnsafeBuffer(new byte[length]);
        packet.putInt(0, seq);
        return engine().send(to.key(), packet, 0, length);
    }

    RegionStatus status(final int region) {
        final List<RegionStatus> all = engine().status();
        for (final RegionStatus s : all) {
            if (s.regionId() == region) {
                return s;
            }
        }
        return null;
    }

    RegionState state(final int region) {
        final RegionStatus s = status(region);
        return s == null ? null : s.state();
    }

    boolean connected(final int region) {
        return state(region) == RegionState.CONNECTED;
    }

    long metric(final String name) {
        return engine().metrics().value(name);
    }

    boolean receivedFrom(final LoopbackPeer from, final int region, final int seq) {
        for (final Received r : received) {
            if (r.from().equals(from.key()) && r.regionId() == region && r.seq() == seq) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void onPacket(final NodeKey peer, final int regionId, final DirectBuffer buffer, final int offset,
                         final int length) {
        final byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        received.add(new Received(peer, regionId, copy));
    }

    @Override
    public void onConnected(final int regionId, final String nodeName) {
        events.add("connected " + regionId + " " + nodeName);
    }

    @Override
    public void onDisconnected(final int regionId, final Throwable cause) {
        events.add("disconnected " + regionId + (cause == null ? "" : " error"));
    }

    @Override
    public void onHomeChanged(final int oldHome, final int newHome) {
        events.add("home " + oldHome + "->" + newHome);
    }

    @Override
    public void close() {
        netty.close();
    }

    @Override
    public String toString() {
        return name;
    }
}
