package io.derpring.internal.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.derpring.internal.frame.FrameLimits;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.testing.Allocations;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The one outbound queue: both overflow policies, slot growth, slot safety, and many producers. */
@Timeout(60)
class OutboundQueueTest {
    private static final int INITIAL_SLOT = 64;
    private final NodeKey dst = NodePrivateKey.generate().publicKey();

    private static UnsafeBuffer packet(final int marker, final int length) {
        final UnsafeBuffer p = new UnsafeBuffer(new byte[Math.max(4, length)]);
        p.putInt(0, marker);
        return p;
    }

    private static int marker(final OutboundQueue.Slot slot) {
        return slot.bytes().getInt(0);
    }

    @Test
    @DisplayName("refuse-newest (backpressure, disco): at depth every packet is queued; one more is refused, nothing dropped")
    void refuseNewestRefusesAboveItsDepthAndKeepsWhatIsQueued() {
        final OutboundQueue q = new OutboundQueue(4, INITIAL_SLOT, OutboundQueue.Overflow.REFUSE_NEWEST);
        for (int i = 0; i < 4; i++) {
            assertThat(q.offer(dst, packet(i, 8), 0, 8)).isEqualTo(OutboundQueue.OFFERED);
        }
        assertThat(q.offer(dst, packet(4, 8), 0, 8)).isEqualTo(OutboundQueue.REFUSED);
        assertThat(q.size()).isEqualTo(4);
        for (int i = 0; i < 4; i++) {
            final OutboundQueue.Slot s = q.poll();
            assertThat(marker(s)).isEqualTo(i);
            assertThat(s.destination()).isEqualTo(dst);
            assertThat(s.length()).isEqualTo(8);
            q.release(s);
        }
        assertThat(q.offer(dst, packet(5, 8), 0, 8)).as("room again once drained").isEqualTo(OutboundQueue.OFFERED);
    }

    @Test
    @DisplayName("B65 (drop-oldest): at depth nothing is dropped; one more drops the oldest")
    void dropOldestDropsTheOldestAboveItsDepth() {
        final OutboundQueue q = new OutboundQueue(32, INITIAL_SLOT, OutboundQueue.Overflow.DROP_OLDEST);
        for (int i = 0; i < 32; i++) {
            assertThat(q.offer(dst, packet(i, 8), 0, 8)).isEqualTo(OutboundQueue.OFFERED);
        }
        assertThat(q.offer(dst, packet(32, 8), 0, 8)).isEqualTo(OutboundQueue.OFFERED_DROPPED_OLDEST);
        assertThat(q.size()).isEqualTo(32);
        final OutboundQueue.Slot first = q.poll();
        assertThat(marker(first)).as("packet 0 was dropped, 1 is now the oldest").isEqualTo(1);
        q.release(first);
    }

    @Test
    @DisplayName("drop-oldest refuses only when every slot is in use and none is queued")
    void dropOldestRefusesWhenEverySlotIsInUse() {
        final OutboundQueue q = new OutboundQueue(1, INITIAL_SLOT, OutboundQueue.Overflow.DROP_OLDEST);
        q.offer(dst, packet(1, 8), 0, 8);
        final OutboundQueue.Slot held = q.poll();
        assertThat(q.offer(dst, packet(2, 8), 0, 8)).isEqualTo(OutboundQueue.REFUSED);
        q.release(held);
        assertThat(q.offer(dst, packet(3, 8), 0, 8)).isEqualTo(OutboundQueue.OFFERED);
    }

    @Test
    void aSlotGrowsOnceForAMaximumPacketAndKeepsItsSize() {
        final OutboundQueue q = new OutboundQueue(1, INITIAL_SLOT, OutboundQueue.Overflow.REFUSE_NEWEST);
        final UnsafeBuffer big = new UnsafeBuffer(new byte[FrameLimits.MAX_PACKET_SIZE]);
        big.putByte(FrameLimits.MAX_PACKET_SIZE - 1, (byte) 0x7e);
        assertThat(q.offer(dst, big, 0, big.capacity())).isEqualTo(OutboundQueue.OFFERED);
        final OutboundQueue.Slot s = q.poll();
        assertThat(s.length()).isEqualTo(FrameLimits.MAX_PACKET_SIZE);
        assertThat(s.bytes().getByte(FrameLimits.MAX_PACKET_SIZE - 1)).isEqualTo((byte) 0x7e);
        q.release(s);
        q.offer(dst, packet(1, 8), 0, 8);
        assertThat(q.poll().bytes().capacity()).as("kept its grown size").isEqualTo(FrameLimits.MAX_PACKET_SIZE);
    }

    @Test
    @DisplayName("issue 13 bug 1: a copy that throws (bad offset or length) gives its slot back")
    void aCopyThatThrowsGivesItsSlotBack() {
        final OutboundQueue q = new OutboundQueue(2, INITIAL_SLOT, OutboundQueue.Overflow.REFUSE_NEWEST);
        final UnsafeBuffer small = packet(1, 8);
        assertThatThrownBy(() -> q.offer(dst, small, 4, 8)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> q.offer(dst, small, -1, 4)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(q.free()).isEqualTo(2);
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.offer(dst, small, 0, 8)).isEqualTo(OutboundQueue.OFFERED);
        assertThat(q.offer(dst, small, 0, 8)).as("both slots still usable").isEqualTo(OutboundQueue.OFFERED);
    }

    @Test
    void clearDropsEverythingQueuedAndFreesTheSlots() {
        final OutboundQueue q = new OutboundQueue(3, INITIAL_SLOT, OutboundQueue.Overflow.REFUSE_NEWEST);
        q.offer(dst, packet(1, 8), 0, 8);
        q.offer(dst, packet(2, 8), 0, 8);
        assertThat(q.clear()).isEqualTo(2);
        assertThat(q.free()).isEqualTo(3);
        assertThat(q.poll()).isNull();
    }

    @Test
    void offerPollAndReleaseAllocateNothingOnceWarm() {
        final OutboundQueue q = new OutboundQueue(8, INITIAL_SLOT, OutboundQueue.Overflow.DROP_OLDEST);
        final UnsafeBuffer p = packet(1, 40);
        final long bytes = Allocations.measure(10_000, () -> {
            q.offer(dst, p, 0, 40);
            q.offer(dst, p, 0, 40);
            q.release(q.poll());
        });
        assertThat(bytes).as("bytes for 30,000 queue operations").isLessThan(1024);
    }

    @Test
    @DisplayName("B65: four producers overrun a drop-oldest queue; every packet is delivered or counted, never lost silently")
    void dropOldestAccountsForEveryPacketUnderContention() throws Exception {
        final OutboundQueue q = new OutboundQueue(32, INITIAL_SLOT, OutboundQueue.Overflow.DROP_OLDEST);
        final int producers = 4;
        final int perProducer = 50_000;
        final AtomicLong droppedOldest = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        final List<Thread> threads = start(producers, (id, buf) -> {
            for (int i = 0; i < perProducer; i++) {
                buf.putInt(0, id << 24 | i);
                final int r = q.offer(dst, buf, 0, 8);
                if (r == OutboundQueue.OFFERED_DROPPED_OLDEST) {
                    droppedOldest.incrementAndGet();
                } else if (r == OutboundQueue.REFUSED) {
                    refused.incrementAndGet();
                }
            }
        });
        final long consumed = consume(q, threads, new int[producers], false);
        assertThat(consumed + droppedOldest.get() + refused.get()).isEqualTo((long) producers * perProducer);
    }

    @Test
    @DisplayName("four producers that retry a refused offer lose nothing, and each one's packets stay in order")
    void refuseNewestWithRetryLosesNothingUnderContention() throws Exception {
        final OutboundQueue q = new OutboundQueue(32, INITIAL_SLOT, OutboundQueue.Overflow.REFUSE_NEWEST);
        final int producers = 4;
        final int perProducer = 50_000;
        final List<Thread> threads = start(producers, (id, buf) -> {
            for (int i = 0; i < perProducer; i++) {
                buf.putInt(0, id << 24 | i);
                while (q.offer(dst, buf, 0, 8) == OutboundQueue.REFUSED) {
                    Thread.yield();
                }
            }
        });
        final int[] next = new int[producers];
        assertThat(consume(q, threads, next, true)).isEqualTo((long) producers * perProducer);
        assertThat(next).containsOnly(perProducer);
        assertThat(q.free()).isEqualTo(32);
    }

    interface Producer {
        void run(int id, UnsafeBuffer buf);
    }

    private static List<Thread> start(final int producers, final Producer body) {
        final CountDownLatch go = new CountDownLatch(1);
        final List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            final int id = p;
            final Thread t = new Thread(() -> {
                try {
                    go.await();
                } catch (final InterruptedException e) {
                    return;
                }
                body.run(id, new UnsafeBuffer(new byte[8]));
            });
            threads.add(t);
            t.start();
        }
        go.countDown();
        return threads;
    }

    /** Polls until every producer is done and the queue is empty; checks per-producer order (strictly, if asked). */
    private static long consume(final OutboundQueue q, final List<Thread> threads, final int[] next,
                                final boolean gapless) throws InterruptedException {
        long consumed = 0;
        while (threads.stream().anyMatch(Thread::isAlive) || !q.isEmpty()) {
            final OutboundQueue.Slot s = q.poll();
            if (s == null) {
                Thread.yield();
                continue;
            }
            final int m = marker(s);
            final int id = m >>> 24;
            final int seq = m & 0xff_ffff;
            if (gapless) {
                assertThat(seq).as("producer %d in order, no gap", id).isEqualTo(next[id]);
            } else {
                assertThat(seq).as("producer %d never goes back", id).isGreaterThanOrEqualTo(next[id]);
            }
            next[id] = seq + 1;
            q.release(s);
            consumed++;
        }
        for (final Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(10));
        }
        return consumed;
    }
}
