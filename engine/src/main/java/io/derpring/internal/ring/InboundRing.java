package io.derpring.internal.ring;

import java.nio.ByteBuffer;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import io.derpring.engine.RingFullPolicy;
import io.derpring.engine.StageThreading;
import io.derpring.internal.metrics.Counters;
import io.derpring.internal.metrics.DistinctErrorLog;
import io.derpring.netmap.Netmap;
import io.derpring.internal.netmap.NetmapHolder;
import io.derpring.runtime.JvmRequirements;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbound ring: I/O threads {@link #offer} received DERP packets; the stages given at construction process them
 * in order on the consumer thread(s) chosen by {@link StageThreading}.
 *
 * <pre>
 *  I/O thread(s) --offer--> [ slot | slot | slot | ... ]  (one off-heap slab, ringSize x slotCapacity)
 *                                  |
 *       FUSED:   one thread:  routes -> disco demux -> dataplane -> release
 *       CHAINED: three threads, each gated on the one before
 *       INVOKED: as FUSED, on the embedder's thread through stageAgent()
 * </pre>
 */
public final class InboundRing implements AutoCloseable {
    /** The frame is in a slot and will reach the stages. */
    public static final int PUBLISHED = 0;
    /** Backpressure: the frame was NOT taken; the listener was paused and will be resumed when slots free up. */
    public static final int FULL = 1;
    /** The frame was dropped and counted (unknown sender, too large, or full under drop-newest). */
    public static final int DROPPED = 2;

    private static final Logger LOG = LoggerFactory.getLogger(InboundRing.class);
    private static final long SHUTDOWN_TIMEOUT_MS = 5_000;

    private final InboundRingConfig config;
    private final NetmapHolder netmaps;
    private final Counters<InboundCounter> counters;
    private final DistinctErrorLog errors = new DistinctErrorLog(LOG);
    private final SpillPool spillPool;
    private final PausedConnections paused;
    private final Disruptor<FrameSlot> disruptor;
    private final RingBuffer<FrameSlot> ringBuffer;
    /** The stages as an agent under {@link StageThreading#INVOKED}, else null. */
    private final InvokedStages invokedStages;
    private volatile boolean started;
    private volatile boolean closed;

    /**
     * Builds the ring and its slab; {@link #start()} starts the stage threads. The three stages run in this order:
     * observed-route learning, disco demux, dataplane hand-off.
     *
     * @param counters where the ring and the stages count (stages are given the same instance)
     */
    public InboundRing(final InboundRingConfig config, final NetmapHolder netmaps,
                       final Counters<InboundCounter> counters,
                       final EventHandler<FrameSlot> routeLearning,
                       final EventHandler<FrameSlot> discoDemux,
                       final EventHandler<FrameSlot> dataplaneHandoff) {
        JvmRequirements.requireAgronaAccess();
        this.config = config;
        this.netmaps = netmaps;
        this.counters = counters;
        this.spillPool = new SpillPool(config.spillBuffers);

        final ByteBuffer slab = ByteBuffer.allocateDirect(config.ringSize * config.slotCapacity); // <= MAX_SLAB_BYTES
        final AtomicInteger nextSlot = new AtomicInteger();
        this.paused = new PausedConnections(Math.max(1, config.ringSize / 4), counters);
        final ThreadFactory threads = config.stageThreads != null
            ? config.stageThreads : namedDaemonThreads(config.threading);
        this.disruptor = new Disruptor<>(
            () -> new FrameSlot(new UnsafeBuffer(slab, nextSlot.getAndIncrement() * config.slotCapacity,
                config.slotCapacity)),
            config.ringSize, threads, config.singleProducer ? ProducerType.SINGLE : ProducerType.MULTI,
            new ResumingWaitStrategy(WaitStrategies.create(config.waitStrategy), paused));
        this.ringBuffer = disruptor.getRingBuffer();
        paused.watch(ringBuffer, spillPool);

        final CountingExceptionHandler failures = new CountingExceptionHandler();
        final SlotRelease release = new SlotRelease(spillPool, counters);
        InvokedStages invoked = null;
        if (config.threading == StageThreading.INVOKED) {
            final EventPoller<FrameSlot> poller = ringBuffer.newPoller();
            ringBuffer.addGatingSequences(poller.getSequence());
            invoked = new InvokedStages(ringBuffer, poller,
                new StageSequence(failures, release, routeLearning, discoDemux, dataplaneHandoff), release, paused);
        } else if (config.threading == StageThreading.FUSED) {
            disruptor.handleEventsWith(
                new StageSequence(failures, release, routeLearning, discoDemux, dataplaneHandoff));
        } else {
            disruptor.handleEventsWith(routeLearning)
                .then(discoDemux)
                .then(new StageSequence(failures, release, dataplaneHandoff));
        }
        disruptor.setDefaultExceptionHandler(failures);
        this.invokedStages = invoked;
    }

    /** Starts the stage threads. Idempotent. An {@link StageThreading#INVOKED} ring has none: see {@link #stageAgent()}. */
    public synchronized void start() {
        if (invokedStages != null) {
            throw new IllegalStateException("stage threading INVOKED: the caller runs stageAgent(), no threads start");
        }
        if (!started && !closed) {
            disruptor.start();
            started = true;
            LOG.info("inbound ring started: {}", config);
        }
    }

    /**
     * Offers one received packet. Called by I/O threads; never blocks, never allocates.
     *
     * @param regionId     the DERP region whose connection received it
     * @param src          buffer holding the RecvPacket payload
     * @param keyOffset    offset of the sender's 32-byte node key in {@code src}
     * @param packetOffset offset of the packet bytes in {@code src}
     * @param packetLength packet length, 0..{@link InboundRingConfig#MAX_PACKET_LENGTH}
     * @param receivedNs   receive time from the connection's clock
     * @param listener     paused (then resumed) if the ring is full under {@link RingFullPolicy#BACKPRESSURE}
     * @return {@link #PUBLISHED}, {@link #FULL} or {@link #DROPPED}
     */
    public int offer(final int regionId, final DirectBuffer src, final int keyOffset, final int packetOffset,
                     final int packetLength, final long receivedNs, final BackpressureListener listener) {
        final Netmap netmap = netmaps.current();
        final int peerId = netmap.peerIdOf(src, keyOffset);
        if (peerId == Netmap.NO_PEER) {
            // Unknown senders reach no stage: they teach no route and no endpoint (SPEC §5.6 step 0).
            counters.increment(InboundCounter.DROPPED_UNKNOWN_PEER);
            return DROPPED;
        }
        if (packetLength < 0 || packetLength > InboundRingConfig.MAX_PACKET_LENGTH) {
            counters.increment(InboundCounter.DROPPED_TOO_LARGE);
            return DROPPED;
        }
        UnsafeBuffer spill = null;
        if (packetLength > config.slotCapacity) {
            if (config.spillBuffers == 0) {
                counters.increment(InboundCounter.DROPPED_TOO_LARGE);
                return DROPPED;
            }
            spill = spillPool.borrow();
            if (spill == null) {
                return full(listener);
            }
        }
        final long sequence;
        try {
            sequence = ringBuffer.tryNext();
        } catch (final InsufficientCapacityException e) { // a preallocated singleton: no allocation, no stack
            if (spill != null) {
                spillPool.giveBack(spill);
            }
            return full(listener);
        }
        try {
            final FrameSlot slot = ringBuffer.get(sequence);
            slot.spill = spill;
            ((UnsafeBuffer) slot.buffer()).putBytes(0, src, packetOffset, packetLength);
            slot.length = packetLength;
            slot.netmap = netmap;
            slot.peerId = peerId;
            slot.regionId = regionId;
            slot.receivedNs = receivedNs;
            slot.verdict = FrameSlot.Verdict.FORWARD;
        } finally {
            ringBuffer.publish(sequence); // an unpublished claim would stall every stage behind it
        }
        return PUBLISHED;
    }

    private int full(final BackpressureListener listener) {
        if (config.fullPolicy == RingFullPolicy.DROP_NEWEST || listener == null) {
            counters.increment(InboundCounter.DROPPED_RING_FULL);
            return DROPPED;
        }
        counters.increment(InboundCounter.REFUSED_RING_FULL);
        paused.pause(listener);
        return FULL;
    }

    public Counters<InboundCounter> counters() {
        return counters;
    }

    /** Frames published into slots so far: the ring's cursor, so producers pay no counter for it. */
    public long framesPublished() {
        return ringBuffer.getCursor() + 1;
    }

    public InboundRingConfig config() {
        return config;
    }

    /** Slots currently claimed and not yet released by the last stage. */
    public long slotsInUse() {
        return config.ringSize - ringBuffer.remainingCapacity();
    }

    int spillBuffersAvailable() {
        return spillPool.available();
    }

    /** Connections paused now because the ring was full (backpressure policy). */
    public int pausedConnections() {
        return paused.size();
    }

    /**
     * The fused stages as an agent, for {@link StageThreading#INVOKED}: the embedder's duty cycle calls its
     * {@code doWork()} (from one thread at a time), after {@code onStart()} and before {@code onClose()}.
     */
    public Agent stageAgent() {
        if (invokedStages == null) {
            throw new IllegalStateException("stage threading " + config.threading + " runs its own threads");
        }
        return invokedStages;
    }

    /**
     * Processes what is published, then stops the stage threads (bounded wait). Idempotent. An invoked ring has no
     * thread to drain it: frames still in it when it closes are not processed.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (started) {
            // Drain by sequence rather than Disruptor.shutdown(): that skips processors whose threads have been
            // started but not yet scheduled, and would halt them before they process what was published.
            final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SHUTDOWN_TIMEOUT_MS);
            while (ringBuffer.getMinimumGatingSequence() < ringBuffer.getCursor()) {
                if (System.nanoTime() - deadlineNs > 0) {
                    LOG.warn("inbound ring did not drain within {} ms; halting", SHUTDOWN_TIMEOUT_MS);
                    break;
                }
                LockSupport.parkNanos(100_000);
            }
            disruptor.halt();
        }
        paused.resumeIfDrained();
    }

    private static ThreadFactory namedDaemonThreads(final StageThreading threading) {
        final AtomicInteger n = new AtomicInteger();
        return runnable -> {
            final String name = threading == StageThreading.FUSED
                ? "derpring-inbound-stages" : "derpring-inbound-stage-" + n.incrementAndGet();
            final Thread t = new Thread(runnable, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Records an unexpected stage failure and carries on: the default handler would halt the processor. */
    private final class CountingExceptionHandler implements ExceptionHandler<FrameSlot> {
        @Override
        public void handleEventException(final Throwable ex, final long sequence, final FrameSlot slot) {
            counters.increment(InboundCounter.STAGE_ERRORS);
            errors.record("inbound stage", ex);
        }

        @Override
        public void handleOnStartException(final Throwable ex) {
            errors.record("inbound stage start", ex);
        }

        @Override
        public void handleOnShutdownException(final Throwable ex) {
            errors.record("inbound stage shutdown", ex);
        }
    }
}
