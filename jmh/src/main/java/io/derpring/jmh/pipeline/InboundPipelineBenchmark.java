package io.derpring.jmh.pipeline;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import io.derpring.dataplane.Dataplane;
import io.derpring.internal.dataplane.DataplaneHandoff;
import io.derpring.internal.disco.CallMeMaybeFilter;
import io.derpring.internal.disco.DiscoDemuxHandler;
import io.derpring.internal.disco.DiscoKeyCache;
import io.derpring.keys.DiscoPrivateKey;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.internal.metrics.Counters;
import io.derpring.netmap.Netmap;
import io.derpring.internal.netmap.NetmapHolder;
import io.derpring.internal.ring.BackpressureListener;
import io.derpring.internal.ring.InboundCounter;
import io.derpring.internal.ring.InboundRing;
import io.derpring.internal.ring.InboundRingConfig;
import io.derpring.engine.StageThreading;
import io.derpring.engine.WaitStrategyChoice;
import io.derpring.internal.route.ObservedRouteLearner;
import io.derpring.internal.route.ObservedRoutes;
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
 * Frames/s through the whole inbound pipeline: I/O-thread offer (netmap lookup, slot claim, one copy, publish),
 * route learning, disco demux (with a direct path installed, so every frame is checked), and a dataplane that reads
 * every byte. Same slot count and slot size as the reference and naive baselines. A producer refused by a full
 * ring waits, yielding, until the ring resumes it (backpressure, as a saturated DERP connection's reader would).
 *
 * <pre>
 *   producer(s) --offer--> [1024 x 2 KiB slab] --> routes -> disco -> dataplane(read all bytes)
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class InboundPipelineBenchmark {
    @Param({"1200"})
    public int size;

    @Param({"FUSED", "CHAINED"})
    public StageThreading threading;

    @Param({"BLOCKING"})
    public WaitStrategyChoice waitStrategy;

    /** The single-producer sequencer (no CAS per claim); only valid with one producer thread. */
    @Param({"false"})
    public boolean singleProducer;

    /** Where the producer and the stage thread run (issue 15: the bimodality, pinned apart and together). */
    @Param({"NONE"})
    public Pinning pinning;

    private InboundRing ring;
    private Counters<InboundCounter> counters;
    private final NodeKey[] senders = new NodeKey[2];
    private final java.util.concurrent.atomic.AtomicInteger producerIds = new java.util.concurrent.atomic.AtomicInteger();

    /** Reads every byte, as the WireGuard hand-off's copy would. */
    static final class ReadingDataplane implements Dataplane {
        long sink;
        long packets;

        @Override
        public void onPacket(final NodeKey peer, final int regionId, final DirectBuffer buffer, final int offset,
                             final int length) {
            sink ^= PacketReader.read(buffer, offset, length);
            packets++;
        }
    }

    private final ReadingDataplane dataplane = new ReadingDataplane();

    @Setup(Level.Trial)
    public void setUp() {
        final Netmap.Builder netmap = Netmap.builder();
        for (int i = 0; i < senders.length; i++) {
            senders[i] = NodePrivateKey.generate().publicKey();
            netmap.addPeer(senders[i], DiscoPrivateKey.generate().publicKey(), Netmap.NO_REGION);
        }
        final NetmapHolder netmaps = new NetmapHolder(netmap.build());
        counters = new Counters<>(InboundCounter.class);
        final ObservedRoutes routes = new ObservedRoutes(netmaps.current());
        final DiscoDemuxHandler demux = new DiscoDemuxHandler(new DiscoKeyCache(DiscoPrivateKey.generate(), 64),
            CallMeMaybeFilter.ipv4Only(), counters);
        demux.directPath((peer, disco, endpoints) -> { });
        ring = new InboundRing(InboundRingConfig.builder().threading(threading).waitStrategy(waitStrategy)
            .singleProducer(singleProducer).stageThreadFactory(pinning.consumerThreads("pinned-stage")).build(),
            netmaps, counters,
            new ObservedRouteLearner(routes, counters), demux, new DataplaneHandoff(dataplane, counters));
        ring.start();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ring.close();
        final long published = ring.framesPublished();
        // Correctness inside the throughput run: every published frame reached the dataplane exactly once.
        if (dataplane.packets != published
            || counters.get(InboundCounter.DELIVERED_TO_DATAPLANE) != published) {
            throw new IllegalStateException("published " + published + " but delivered " + dataplane.packets);
        }
    }

    /**
     * One producer thread, as a DERP connection's reader is: on a full ring the offer is refused and the ring pauses it
     * (BACKPRESSURE) until it resumes it. While paused the thread yields, as the reference producer does when its
     * ring is full, so both give the core to the consumer the same way.
     */
    @State(Scope.Thread)
    public static class Producer implements BackpressureListener {
        UnsafeBuffer frame;
        volatile boolean paused;

        @Setup(Level.Trial)
        public void setUp(final InboundPipelineBenchmark pipeline) {
            if (pipeline.singleProducer && pipeline.producerIds.get() > 0) {
                throw new IllegalStateException("a single-producer ring takes exactly one producer thread");
            }
            pipeline.pinning.pinProducer(); // Level.Trial setup of a Scope.Thread state runs on the worker thread
            frame = new UnsafeBuffer(ByteBuffer.allocateDirect(32 + pipeline.size));
            pipeline.senders[pipeline.producerIds.getAndIncrement() % pipeline.senders.length].writeTo(frame, 0);
            frame.putByte(32, (byte) 4); // WireGuard transport data
            for (int i = 36; i < 32 + pipeline.size; i++) {
                frame.putByte(i, (byte) i);
            }
        }

        @Override
        public void pauseReading() {
            paused = true;
        }

        @Override
        public void resumeReading() {
            paused = false;
        }
    }

    private boolean offer(final Producer producer) {
        while (ring.offer(900, producer.frame, 0, 32, size, 0L, producer) != InboundRing.PUBLISHED) {
            while (producer.paused) {
                Thread.yield(); // as the reference producer does when its ring is full
            }
        }
        return true;
    }

    @Benchmark
    @Threads(1)
    public boolean oneProducer(final Producer producer) {
        return offer(producer);
    }

    @Benchmark
    @Threads(2)
    public boolean twoProducers(final Producer producer) {
        return offer(producer);
    }
}
