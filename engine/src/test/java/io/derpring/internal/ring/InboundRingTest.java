package io.derpring.internal.ring;

import static io.derpring.internal.ring.PipelineFixture.REGION_1;
import static io.derpring.internal.ring.PipelineFixture.awaitTrue;
import static io.derpring.internal.ring.PipelineFixture.wireGuard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.derpring.engine.RingFullPolicy;
import io.derpring.engine.StageThreading;
import io.derpring.dataplane.Dataplane;
import io.derpring.keys.NodeKey;
import io.derpring.runtime.InvalidConfigException;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Ring mechanics: full-ring policies, the spill path, limits, exactly-once delivery, allocation. */
@Timeout(120)
class InboundRingTest {
    /** Multi-threaded volume tests; the mutation profile leaves them out (they run in every `mvn verify`). */
    static final String STRESS = "stress";

    /** A dataplane that holds the stage thread until released: the ring fills up behind it. */
    static final class GatedDataplane implements Dataplane {
        final CountDownLatch gate = new CountDownLatch(1);
        final AtomicInteger received = new AtomicInteger();

        @Override
        public void onPacket(final NodeKey peer, final int regionId, final DirectBuffer buffer, final int offset,
                             final int length) {
            try {
                gate.await(30, TimeUnit.SECONDS);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            received.incrementAndGet();
        }
    }

    /** A connection as the transport will be: on FULL it keeps the frame and stops until resumed. */
    static final class PausableConnection implements BackpressureListener {
        final AtomicBoolean paused = new AtomicBoolean();
        final AtomicInteger pauses = new AtomicInteger();
        final AtomicInteger resumes = new AtomicInteger();

        @Override
        public void pauseReading() {
            pauses.incrementAndGet();
            paused.set(true);
        }

        @Override
        public void resumeReading() {
            resumes.incrementAndGet();
            paused.set(false);
        }
    }

    @Test
    void fullRingUnderBackpressurePausesTheConnectionAndResumesItWhenDrained() {
        final GatedDataplane dataplane = new GatedDataplane();
        try (PipelineFixture p = new PipelineFixture(
            InboundRingConfig.builder().ringSize(8).build(), dataplane).start()) {
            final PausableConnection connection = new PausableConnection();
            final UnsafeBuffer packet = wireGuard(100, 1);
            int published = 0;
            int result;
            while ((result = p.offer(REGION_1, p.peerA.node, packet, connection)) == InboundRing.PUBLISHED) {
                published++;
            }

            assertThat(result).isEqualTo(InboundRing.FULL);
            assertThat(published).isEqualTo(8);
            assertThat(connection.paused).isTrue();
            assertThat(p.counters.get(InboundCounter.REFUSED_RING_FULL)).isEqualTo(1);
            assertThat(p.counters.get(InboundCounter.DROPPED_RING_FULL)).isZero();

            dataplane.gate.countDown();
            awaitTrue(() -> !connection.paused.get(), Duration.ofSeconds(10));
            assertThat(p.offer(REGION_1, p.peerA.node, packet, connection)).isEqualTo(InboundRing.PUBLISHED);
            awaitTrue(() -> dataplane.received.get() == 9, Duration.ofSeconds(10));
            assertThat(connection.resumes).hasValue(1);
        }
    }

    @Test
    void highWaterMarkIsTheDeepestBatchTheStagesSaw() {
        try (PipelineFixture p = new PipelineFixture(InboundRingConfig.builder().ringSize(16).build())) {
            for (int i = 0; i < 5; i++) { // published before the stage thread exists: one batch of five
                assertThat(p.offer(REGION_1, p.peerA, wireGuard(64, i))).isEqualTo(InboundRing.PUBLISHED);
            }
            p.start();
            p.awaitDrained();
            assertThat(p.counters.get(InboundCounter.RING_HIGH_WATER)).isEqualTo(5);
        }
    }

    @Test
    void fullRingUnderDropNewestDropsAndCountsWithoutPausing() {
        final GatedDataplane dataplane = new GatedDataplane();
        try (PipelineFixture p = new PipelineFixture(
            InboundRingConfig.builder().ringSize(4).fullPolicy(RingFullPolicy.DROP_NEWEST).build(), dataplane)
            .start()) {
            final PausableConnection connection = new PausableConnection();
            for (int i = 0; i < 10; i++) {
                p.offer(REGION_1, p.peerA.node, wireGuard(64, i), connection);
            }
            dataplane.gate.countDown();
            awaitTrue(() -> p.ring.slotsInUse() == 0, Duration.ofSeconds(10));

            assertThat(p.counters.get(InboundCounter.DROPPED_RING_FULL)).isEqualTo(6);
            assertThat(dataplane.received).hasValue(4);
            assertThat(connection.pauses).hasValue(0);
        }
    }

    @Test
    void packetLongerThanASlotTravelsThroughASpillBufferIntact() {
        try (PipelineFixture p = new PipelineFixture(
            InboundRingConfig.builder().ringSize(8).slotCapacity(256).spillBuffers(2).build()).start()) {
            final UnsafeBuffer atSlot = wireGuard(256, 1);
            final UnsafeBuffer aboveSlot = wireGuard(257, 2);
            final UnsafeBuffer maximum = wireGuard(InboundRingConfig.MAX_PACKET_LENGTH, 3);

            p.offer(REGION_1, p.peerA, atSlot);
            p.offer(REGION_1, p.peerA, aboveSlot);
            p.offer(REGION_1, p.peerA, maximum);
            p.awaitDrained();

            assertThat(p.dataplane.packets).extracting(PipelineFixture.Received::bytes)
                .containsExactly(atSlot.byteArray(), aboveSlot.byteArray(), maximum.byteArray());
            assertThat(p.ring.spillBuffersAvailable()).as("spill buffers returned").isEqualTo(2);
        }
    }

    @Test
    void packetAboveTheDerpMaximumIsDroppedAndCounted() {
        try (PipelineFixture p = new PipelineFixture(InboundRingConfig.defaults()).start()) {
            final UnsafeBuffer tooLong = wireGuard(InboundRingConfig.MAX_PACKET_LENGTH + 1, 1);
            assertThat(p.offer(REGION_1, p.peerA, tooLong)).isEqualTo(InboundRing.DROPPED);
            assertThat(p.counters.get(InboundCounter.DROPPED_TOO_LARGE)).isEqualTo(1);
        }
    }

    @Test
    void packetLongerThanASlotWithoutSpillBuffersIsDroppedAndCounted() {
        try (PipelineFixture p = new PipelineFixture(
            InboundRingConfig.builder().slotCapacity(256).spillBuffers(0).build()).start()) {
            assertThat(p.offer(REGION_1, p.peerA, wireGuard(256, 1))).isEqualTo(InboundRing.PUBLISHED);
            assertThat(p.offer(REGION_1, p.peerA, wireGuard(257, 1))).isEqualTo(InboundRing.DROPPED);
            assertThat(p.counters.get(InboundCounter.DROPPED_TOO_LARGE)).isEqualTo(1);
        }
    }

    @Test
    void exhaustedSpillPoolIsTreatedAsAFullRing() {
        final GatedDataplane dataplane = new GatedDataplane();
        try (PipelineFixture p = new PipelineFixture(InboundRingConfig.builder().ringSize(16).slotCapacity(256)
            .spillBuffers(1).build(), dataplane).start()) {
            final PausableConnection connection = new PausableConnection();
            assertThat(p.offer(REGION_1, p.peerA.node, wireGuard(1000, 1), connection))
                .isEqualTo(InboundRing.PUBLISHED);
            assertThat(p.offer(REGION_1, p.peerA.node, wireGuard(1000, 2), connection))
                .isEqualTo(InboundRing.FULL);
            dataplane.gate.countDown();
            awaitTrue(() -> !connection.paused.get(), Duration.ofSeconds(10));
            assertThat(p.offer(REGION_1, p.peerA.node, wireGuard(1000, 2), connection))
                .isEqualTo(InboundRing.PUBLISHED);
        }
    }

    /**
     * Two producer threads, each offering numbered frames as a connection would (keeping a refused frame and
     * offering it again after resume): every frame is delivered exactly once, in order per producer.
     */
    @Tag(STRESS) // tens of thousands of frames through real threads
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = StageThreading.class, names = {"FUSED", "CHAINED"}) // INVOKED: InvokedStagesTest
    void twoProducersUnderBackpressureDeliverEveryFrameExactlyOnce(final StageThreading threading)
        throws InterruptedException {
        final int perProducer = 20_000;
        final BitSet[] seen = {new BitSet(perProducer), new BitSet(perProducer)};
        final int[] lastSeen = {-1, -1};
        final AtomicInteger duplicatesOrReordered = new AtomicInteger();
        final Dataplane checking = (peer, region, buffer, offset, length) -> {
            final int producer = buffer.getInt(offset + 4);
            final int n = buffer.getInt(offset + 8);
            if (seen[producer].get(n) || n <= lastSeen[producer]) {
                duplicatesOrReordered.incrementAndGet();
            }
            seen[producer].set(n);
            lastSeen[producer] = n;
        };
        try (PipelineFixture p = new PipelineFixture(
            InboundRingConfig.builder().ringSize(32).threading(threading).build(), checking).start()) {
            final Thread[] producers = new Thread[2];
            for (int t = 0; t < 2; t++) {
                final int producer = t;
                producers[t] = new Thread(() -> produce(p, producer, perProducer), "producer-" + t);
                producers[t].start();
            }
            for (final Thread t : producers) {
                t.join(60_000);
                assertThat(t.isAlive()).as("producer finished").isFalse();
            }
            p.awaitDrained();

            assertThat(duplicatesOrReordered).hasValue(0);
            assertThat(seen[0].cardinality()).isEqualTo(perProducer);
            assertThat(seen[1].cardinality()).isEqualTo(perProducer);
            assertThat(p.ring.framesPublished()).isEqualTo(2L * perProducer);
            assertThat(p.counters.get(InboundCounter.BACKPRESSURE_PAUSES))
                .isEqualTo(p.counters.get(InboundCounter.BACKPRESSURE_RESUMES));
        }
    }

    private static void produce(final PipelineFixture p, final int producer, final int count) {
        final PausableConnection connection = new PausableConnection();
        final NodeKey sender = producer == 0 ? p.peerA.node : p.peerB.node;
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[32 + 64]);
        sender.writeTo(frame, 0);
        for (int n = 0; n < count; ) {
            if (connection.paused.get()) {
                Thread.onSpinWait();
                continue;
            }
            frame.putInt(32 + 4, producer);
            frame.putInt(32 + 8, n);
            if (p.ring.offer(REGION_1, frame, 0, 32, 64, 0, connection) == InboundRing.PUBLISHED) {
                n++;
            }
        }
    }

    @Tag(STRESS)
    @Test
    void aSingleProducerRingDeliversEveryFrameExactlyOnceUnderBackpressure() throws InterruptedException {
        final int count = 20_000;
        final BitSet seen = new BitSet(count);
        final AtomicInteger duplicates = new AtomicInteger();
        final Dataplane checking = (peer, region, buffer, offset, length) -> {
            final int n = buffer.getInt(offset + 8);
            if (seen.get(n)) {
                duplicates.incrementAndGet();
            }
            seen.set(n);
        };
        try (PipelineFixture p = new PipelineFixture(
            InboundRingConfig.builder().ringSize(32).singleProducer(true).build(), checking).start()) {
            final Thread producer = new Thread(() -> produce(p, 0, count), "the-only-producer");
            producer.start();
            producer.join(60_000);
            assertThat(producer.isAlive()).isFalse();
            p.awaitDrained();
            assertThat(duplicates).hasValue(0);
            assertThat(seen.cardinality()).isEqualTo(count);
            assertThat(p.ring.framesPublished()).isEqualTo(count);
        }
    }

    @Tag(STRESS)
    @Test
    void twoProducersUnderDropNewestAccountForEveryFrame() throws InterruptedException {
        final int perProducer = 20_000;
        final AtomicInteger delivered = new AtomicInteger();
        final Dataplane counting = (peer, region, buffer, offset, length) -> delivered.incrementAndGet();
        try (PipelineFixture p = new PipelineFixture(InboundRingConfig.builder().ringSize(16)
            .fullPolicy(RingFullPolicy.DROP_NEWEST).build(), counting).start()) {
            final AtomicInteger dropped = new AtomicInteger();
            final Thread[] producers = new Thread[2];
            for (int t = 0; t < 2; t++) {
                final NodeKey sender = t == 0 ? p.peerA.node : p.peerB.node;
                producers[t] = new Thread(() -> {
                    final UnsafeBuffer frame = PipelineFixture.recvPayload(sender, wireGuard(64, 0), 64);
                    for (int n = 0; n < perProducer; n++) {
                        if (p.ring.offer(REGION_1, frame, 0, 32, 64, 0, null) == InboundRing.DROPPED) {
                            dropped.incrementAndGet();
                        }
                    }
                });
                producers[t].start();
            }
            for (final Thread t : producers) {
                t.join(60_000);
            }
            p.awaitDrained();
            awaitTrue(() -> delivered.get() + dropped.get() == 2 * perProducer, Duration.ofSeconds(10));

            assertThat(p.counters.get(InboundCounter.DROPPED_RING_FULL)).isEqualTo(dropped.get());
            assertThat(p.ring.framesPublished()).isEqualTo(delivered.get());
        }
    }

    @Test
    void steadyStateOfferAndStagesAllocateNothing() {
        try (PipelineFixture p = new PipelineFixture(InboundRingConfig.builder().ringSize(256).build(),
            (peer, region, buffer, offset, length) -> { }).start()) {
            p.demux.directPath(p.sink);
            final UnsafeBuffer frame = PipelineFixture.recvPayload(p.peerA.node, wireGuard(1200, 1), 1200);
            final Runnable offerAll = () -> {
                for (int i = 0; i < 50_000; i++) {
                    while (p.ring.offer(REGION_1, frame, 0, 32, 1200, i, null) != InboundRing.PUBLISHED) {
                        Thread.onSpinWait();
                    }
                }
                p.awaitDrained();
            };
            final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            final long stageThread = stageThreadId();
            offerAll.run();
            final long producerBefore = threads.getCurrentThreadAllocatedBytes();
            final long stageBefore = threads.getThreadAllocatedBytes(stageThread);
            offerAll.run();
            final long producerBytes = threads.getCurrentThreadAllocatedBytes() - producerBefore;
            final long stageBytes = threads.getThreadAllocatedBytes(stageThread) - stageBefore;

            // awaitDrained polls via LockSupport and a lambda; the bound leaves room for that, not for per-frame cost
            assertThat(producerBytes).as("producer bytes for 50k frames").isLessThan(4096);
            assertThat(stageBytes).as("stage thread bytes for 50k frames").isLessThan(4096);
        }
    }

    private static long stageThreadId() {
        for (final Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("derpring-inbound-stages")) {
                return t.getId();
            }
        }
        throw new AssertionError("stage thread not found");
    }

    @Test
    void everyRingLimitIsValidatedAtBelowAndAbove() {
        assertThat(InboundRingConfig.builder().ringSize(InboundRingConfig.MIN_RING_SIZE).build().ringSize()).isEqualTo(2);
        assertThatThrownBy(() -> InboundRingConfig.builder().ringSize(1).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("ring size = 1");
        assertThat(InboundRingConfig.builder().ringSize(InboundRingConfig.MAX_RING_SIZE)
            .slotCapacity(InboundRingConfig.MIN_SLOT_CAPACITY).build().ringSize()).isEqualTo(1 << 20);
        assertThatThrownBy(() -> InboundRingConfig.builder().ringSize(1 << 21).build())
            .isInstanceOf(InvalidConfigException.class);
        assertThatThrownBy(() -> InboundRingConfig.builder().ringSize(1000).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("power of two");

        assertThat(InboundRingConfig.builder().slotCapacity(256).build().slotCapacity()).isEqualTo(256);
        assertThatThrownBy(() -> InboundRingConfig.builder().slotCapacity(255).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("slot capacity");
        assertThat(InboundRingConfig.builder().slotCapacity(65536).build().slotCapacity()).isEqualTo(65536);
        assertThatThrownBy(() -> InboundRingConfig.builder().slotCapacity(65537).build())
            .isInstanceOf(InvalidConfigException.class);

        assertThat(InboundRingConfig.builder().spillBuffers(0).build().spillBuffers()).isZero();
        assertThatThrownBy(() -> InboundRingConfig.builder().spillBuffers(-1).build())
            .isInstanceOf(InvalidConfigException.class);
        assertThat(InboundRingConfig.builder().spillBuffers(1024).build().spillBuffers()).isEqualTo(1024);
        assertThatThrownBy(() -> InboundRingConfig.builder().spillBuffers(1025).build())
            .isInstanceOf(InvalidConfigException.class);
    }

    @Test
    void defaultRingMemoryIsBounded() {
        assertThat(InboundRingConfig.defaults().memoryBytes()).isEqualTo(1024L * 2048 + 8L * 65536);
    }

    @Test
    void closeIsIdempotentAndDrainsWhatWasPublished() {
        final PipelineFixture p = new PipelineFixture(InboundRingConfig.defaults()).start();
        for (int i = 0; i < 100; i++) {
            p.offer(REGION_1, p.peerA, wireGuard(64, i));
        }
        p.close();
        p.close();
        assertThat(p.dataplane.packets).hasSize(100);
    }

    @Test
    void aStageThatThrowsIsCountedAndTheRingKeepsGoing() {
        final ArrayDeque<Integer> delivered = new ArrayDeque<>();
        final Dataplane flaky = (peer, region, buffer, offset, length) -> {
            if (length == 13) {
                throw new IllegalStateException("dataplane bug");
            }
            synchronized (delivered) {
                delivered.add(length);
            }
        };
        try (PipelineFixture p = new PipelineFixture(InboundRingConfig.defaults(), flaky).start()) {
            p.offer(REGION_1, p.peerA, wireGuard(12, 1));
            p.offer(REGION_1, p.peerA, wireGuard(13, 1));
            p.offer(REGION_1, p.peerA, wireGuard(14, 1));
            p.awaitDrained();
            assertThat(p.counters.get(InboundCounter.STAGE_ERRORS)).isEqualTo(1);
            synchronized (delivered) {
                assertThat(delivered).containsExactly(12, 14);
            }
        }
    }
}
