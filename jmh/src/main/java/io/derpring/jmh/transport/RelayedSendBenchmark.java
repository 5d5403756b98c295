package io.derpring.jmh.transport;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import io.derpring.engine.SendResult;
import io.derpring.dataplane.Dataplane;
import io.derpring.internal.dataplane.DataplaneHandoff;
import io.derpring.derpmap.DerpNode;
import io.derpring.derpmap.NodeAddress;
import io.derpring.derpmap.TransportSecurity;
import io.derpring.internal.disco.CallMeMaybeFilter;
import io.derpring.internal.disco.DiscoDemuxHandler;
import io.derpring.internal.disco.DiscoKeyCache;
import io.derpring.keys.DiscoPrivateKey;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.internal.metrics.Counters;
import io.derpring.netmap.Netmap;
import io.derpring.internal.netmap.NetmapHolder;
import io.derpring.internal.ring.InboundCounter;
import io.derpring.internal.ring.InboundRing;
import io.derpring.internal.ring.InboundRingConfig;
import io.derpring.internal.route.ObservedRouteLearner;
import io.derpring.internal.route.ObservedRoutes;
import io.derpring.server.DerpRelayServer;
import io.derpring.transport.internal.EventLoops;
import io.derpring.transport.Transport;
import io.derpring.transport.internal.client.DerpNodeConnection;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One DERP packet end to end over loopback (plain TCP, or TLS with {@code -p tls=true}): client A's {@code send} (lock-free queue, drained on A's
 * event loop) → derpring's relay → client B's event loop → B's inbound ring → a dataplane that reads every byte.
 * At most {@link #WINDOW} packets are in flight, below every queue depth on the path, so nothing is dropped; the
 * run fails if anything was. {@code gc.alloc.rate.norm} counts every thread of the JVM — clients, relay, ring — per
 * packet delivered.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "-Dio.netty.leakDetection.level=disabled"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
public class RelayedSendBenchmark {
    static final int WINDOW = 16;

    @Param({"1200"})
    public int size;

    @Param({"epoll", "io_uring", "nio"})
    public String transport;

    /** TLS between clients and relay (self-signed, clients skip verification: the record path is what counts). */
    @Param({"false"})
    public boolean tls;

    private DerpRelayServer relay;
    private EventLoopGroup clients;
    private InboundRing ring;
    private DerpNodeConnection sender;
    private DerpNodeConnection receiver;
    private NodeKey receiverKey;
    private UnsafeBuffer packet;
    private final Counting dataplane = new Counting();
    private long sent;

    /** Reads every byte and counts, on the ring's stage thread. */
    static final class Counting implements Dataplane {
        volatile long received;
        long sink;

        @Override
        public void onPacket(final NodeKey peer, final int regionId, final DirectBuffer buffer, final int offset,
                             final int length) {
            for (int i = 0; i + 8 <= length; i += 8) {
                sink ^= buffer.getLong(offset + i);
            }
            received = received + 1; // single writer: the stage thread
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        final Transport chosen = Transport.fromCliName(transport);
        final DerpRelayServer.Builder relayBuilder = DerpRelayServer.builder()
            .listen(new InetSocketAddress("127.0.0.1", 0)).transport(chosen).threads(1).metricsAddress(null);
        if (tls) {
            final SelfSignedCertificate cert = new SelfSignedCertificate("relay.bench.test");
            relayBuilder.tls(cert.certificate().toPath(), cert.privateKey().toPath());
        }
        relay = relayBuilder.build().start();
        clients = EventLoops.create(chosen, 1, "bench-clients", false);
        final NodePrivateKey senderKey = NodePrivateKey.generate();
        final NodePrivateKey receiverPrivate = NodePrivateKey.generate();
        receiverKey = receiverPrivate.publicKey();

        final Netmap.Builder netmap = Netmap.builder();
        netmap.addPeer(senderKey.publicKey(), DiscoPrivateKey.generate().publicKey(), Netmap.NO_REGION);
        final NetmapHolder netmaps = new NetmapHolder(netmap.build());
        final Counters<InboundCounter> counters = new Counters<>(InboundCounter.class);
        ring = new InboundRing(InboundRingConfig.defaults(), netmaps, counters,
            new ObservedRouteLearner(new ObservedRoutes(netmaps.current()), counters),
            new DiscoDemuxHandler(new DiscoKeyCache(DiscoPrivateKey.generate(), 16), CallMeMaybeFilter.ipv4Only(),
                counters),
            new DataplaneHandoff(dataplane, counters));
        ring.start();

        final DerpNode node = new DerpNode("900a", 900, "relay.bench.test", "", NodeAddress.ipv4("127.0.0.1"),
            NodeAddress.ipv6("none"), 0, false, relay.localAddress().getPort(), false, "", false);
        receiver = connection(chosen, node, receiverPrivate);
        sender = connection(chosen, node, senderKey);
        receiver.connect().get(10, TimeUnit.SECONDS);
        sender.connect().get(10, TimeUnit.SECONDS);

        packet = new UnsafeBuffer(ByteBuffer.allocateDirect(size));
        packet.putByte(0, (byte) 4);
    }

    private DerpNodeConnection connection(final Transport chosen, final DerpNode node, final NodePrivateKey key) {
        return DerpNodeConnection.builder().transport(chosen, clients).node(node)
            .security(tls ? new TransportSecurity.InsecureSkipVerify("relay.bench.test")
                : new TransportSecurity.PlainHttp())
            .privateKey(key).ring(ring, 900).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (dataplane.received < sent && System.nanoTime() < deadline) {
            Thread.yield();
        }
        final long received = dataplane.received;
        sender.close();
        receiver.close();
        ring.close();
        relay.close();
        clients.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        if (received != sent) {
            throw new IllegalStateException("sent " + sent + " packets but " + received + " arrived");
        }
    }

    @Benchmark
    public long sendThroughRelay() {
        while (sent - dataplane.received >= WINDOW) {
            Thread.yield(); // window full: give the core to the event loops (2 cores)
        }
        final SendResult result = sender.send(receiverKey, packet, 0, size);
        if (result != SendResult.ACCEPTED) {
            throw new IllegalStateException("send refused: " + result);
        }
        return ++sent;
    }
}
