package io.derpring.examples;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import io.derpring.dataplane.Dataplane;
import io.derpring.derpmap.DerpMap;
import io.derpring.engine.SendResult;
import io.derpring.keys.DiscoPrivateKey;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.netmap.Netmap;
import io.derpring.server.DerpRelayServer;
import io.derpring.transport.engine.NettyDerpEngine;
import io.derpring.transport.engine.TlsMode;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/** The minimal embedding: a loopback relay, two engines that know each other, sends that retry on BACK_PRESSURED. */
public final class MinimalEmbedding {
    private static final int PACKETS = 1000;

    /** Counts relayed packets. Runs on the engine's stage thread: it must not block or keep {@code buffer}. */
    public static final class CountingDataplane implements Dataplane {
        public final AtomicLong packets = new AtomicLong();

        @Override
        public void onPacket(final NodeKey peer, final int regionId, final DirectBuffer buffer, final int offset,
                             final int length) {
            packets.incrementAndGet();
        }
    }

    private final NodePrivateKey keyA = NodePrivateKey.generate();
    private final NodePrivateKey keyB = NodePrivateKey.generate();
    private final DiscoPrivateKey discoA = DiscoPrivateKey.generate();
    private final DiscoPrivateKey discoB = DiscoPrivateKey.generate();
    public final CountingDataplane receivedByB = new CountingDataplane();

    /**
     * Sends {@code packets} from A to B through {@code relay}, then waits (at most 10 s) until {@code settled} holds;
     * returns how many B received. Nothing is lost at A (it retries on BACK_PRESSURED); the relay's own per-client
     * queue drops, and counts, what B's connection cannot take as fast as A sends: flow control belongs to the
     * traffic above (WireGuard's).
     */
    public long run(final DerpRelayServer relay, final int packets, final BooleanSupplier settled) throws Exception {
        final DerpMap map = DerpMap.builder()
            .region(900, "local", r -> r.node("900a", "127.0.0.1", relay.localAddress().getPort())).build();
        final Netmap.Builder peers = Netmap.builder(); // who may talk, and each peer's home region
        peers.addPeer(keyA.publicKey(), discoA.publicKey(), 900);
        peers.addPeer(keyB.publicKey(), discoB.publicKey(), 900);
        final Netmap netmap = peers.build();
        try (NettyDerpEngine a = engine(keyA, discoA, new CountingDataplane(), map, netmap);
             NettyDerpEngine b = engine(keyB, discoB, receivedByB, map, netmap)) {
            a.connected().get(10, TimeUnit.SECONDS);
            b.connected().get(10, TimeUnit.SECONDS);
            final UnsafeBuffer packet = new UnsafeBuffer(new byte[1200]);
            final IdleStrategy idle = new BackoffIdleStrategy();
            for (int i = 0; i < packets; i++) {
                SendResult result;
                while ((result = a.engine().send(keyB.publicKey(), packet, 0, 1200)) == SendResult.BACK_PRESSURED) {
                    idle.idle(); // the connection's queue is full: nothing was dropped, try again
                }
                idle.reset();
                if (result != SendResult.ACCEPTED) {
                    throw new IllegalStateException("packet " + i + ": " + result);
                }
            }
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!settled.getAsBoolean() && System.nanoTime() - deadlineNs < 0) {
                idle.idle();
            }
            return receivedByB.packets.get();
        }
    }

    private static NettyDerpEngine engine(final NodePrivateKey key, final DiscoPrivateKey disco, final Dataplane dataplane,
                                          final DerpMap map, final Netmap netmap) {
        final NettyDerpEngine engine = NettyDerpEngine.builder().keys(key, disco).dataplane(dataplane)
            .tls(TlsMode.PLAIN_HTTP_FOR_TESTS) // the loopback relay speaks plain HTTP; real maps use TLS
            .build().start();
        engine.engine().updateDerpMap(map);
        engine.engine().updateNetmap(netmap);
        engine.engine().setHomeRegion(900);
        return engine;
    }

    public static void main(final String[] args) throws Exception {
        // A relay queue deeper than the burst, so nothing is dropped and "B has every packet" is the event to wait for.
        try (DerpRelayServer relay = DerpRelayServer.builder().listen(new InetSocketAddress("127.0.0.1", 0))
            .queueDepth(PACKETS).metricsAddress(null).build()) {
            relay.start();
            final MinimalEmbedding example = new MinimalEmbedding();
            final long received = example.run(relay, PACKETS, () -> example.receivedByB.packets.get() == PACKETS);
            System.out.println("B received " + received + " of " + PACKETS + " packets");
        }
    }
}
