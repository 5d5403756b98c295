package io.derpring.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

import io.derpring.engine.SendResult;
import io.derpring.keys.NodePrivateKey;
import io.derpring.testing.Allocations;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The receiving end without sockets: packets fed straight into the dataplane callback. */
class TrafficSinkTest {
    static final int SIZE = 100;

    final PairState[] pairs = {new PairState(0, 1), new PairState(1, 1)};
    final AtomicLong corrupted = new AtomicLong();
    final List<long[]> acks = new ArrayList<>(); // {pair, ackSeq}
    final CRC32C crc = new CRC32C();

    TrafficSink sink(final int window) {
        final TrafficSink sink = new TrafficSink(pairs, SIZE, window, new LatencyRecorder(), corrupted,
            new SenderWakeup());
        sink.ackPath((pair, ack, length) -> {
            acks.add(new long[] {pair, PayloadFlyweight.seq(ack, 0)});
            return SendResult.ACCEPTED;
        });
        return sink;
    }

    UnsafeBuffer packet(final byte kind, final int length, final int pair, final long seq) {
        final byte[] b = new byte[length];
        PayloadFlyweight.writeFill(b, length, PayloadFlyweight.patternOf(seq));
        final UnsafeBuffer v = new UnsafeBuffer(b);
        PayloadFlyweight.writeHeader(v, 0, kind, false, pair, seq, System.nanoTime());
        PayloadFlyweight.seal(crc, b, length, v);
        return v;
    }

    void deliver(final TrafficSink sink, final DirectBuffer p) {
        sink.onPacket(NodePrivateKey.generate().publicKey(), 1, p, 0, p.capacity());
    }

    @Test
    void inOrderDataIsCountedOnceEach() {
        final TrafficSink s = sink(0);
        for (long seq = 0; seq < 10; seq++) {
            deliver(s, packet(PayloadFlyweight.KIND_DATA, SIZE, 1, seq));
        }
        assertThat(pairs[1].received.get()).isEqualTo(10);
        assertThat(pairs[1].measuredReceived.get()).isEqualTo(10);
        assertThat(pairs[1].duplicated.get()).isZero();
        assertThat(pairs[1].reordered.get()).isZero();
        assertThat(pairs[0].received.get()).isZero();
        assertThat(acks).as("no window, no acks").isEmpty();
    }

    @Test
    void duplicateIsCountedAndNotReceivedTwice() {
        final TrafficSink s = sink(0);
        deliver(s, packet(PayloadFlyweight.KIND_DATA, SIZE, 0, 0));
        deliver(s, packet(PayloadFlyweight.KIND_DATA, SIZE, 0, 0));
        assertThat(pairs[0].received.get()).isEqualTo(1);
        assertThat(pairs[0].duplicated.get()).isEqualTo(1);
    }

    @Test
    void lateArrivalIsReorderedAndStillReceived() {
        final TrafficSink s = sink(0);
        deliver(s, packet(PayloadFlyweight.KIND_DATA, SIZE, 0, 1));
        deliver(s, packet(PayloadFlyweight.KIND_DATA, SIZE, 0, 0));
        assertThat(pairs[0].received.get()).isEqualTo(2);
        assertThat(pairs[0].reordered.get()).isEqualTo(1);
    }

    @Test
    void flippedBitWrongLengthUnknownPairUnknownKindAndWrongRegionAreCorrupted() {
        final TrafficSink s = sink(0);
        final UnsafeBuffer flipped = packet(PayloadFlyweight.KIND_DATA, SIZE, 0, 0);
        flipped.putByte(50, (byte) (flipped.getByte(50) ^ 4));
        deliver(s, flipped);
        deliver(s, packet(PayloadFlyweight.KIND_DATA, SIZE - 1, 0, 1)); // sealed, but not the run's size
        deliver(s, packet(PayloadFlyweight.KIND_DATA, SIZE, 5, 2));
        deliver(s, packet((byte) 9, SIZE, 0, 3));
        deliver(s, new UnsafeBuffer(new byte[10]));
        final UnsafeBuffer intact = packet(PayloadFlyweight.KIND_DATA, SIZE, 0, 4);
        s.onPacket(NodePrivateKey.generate().publicKey(), 2, intact, 0, SIZE); // pair 0 lives on region 1
        assertThat(corrupted.get()).isEqualTo(6);
        assertThat(pairs[0].received.get()).isZero();
    }

    @Test
    void withAWindowEachBatchEndsWithOneCumulativeAckPerPair() {
        final TrafficSink s = sink(32);
        deliver(s, packet(PayloadFlyweight.KIND_DATA, SIZE, 0, 0));
        deliver(s, packet(PayloadFlyweight.KIND_DATA, SIZE, 0, 1));
        deliver(s, packet(PayloadFlyweight.KIND_DATA, SIZE, 1, 0));
        assertThat(acks).isEmpty();
        s.onEndOfBatch();
        assertThat(acks).containsExactly(new long[] {0, 2}, new long[] {1, 1});
        s.onEndOfBatch();
        assertThat(acks).as("nothing new, nothing sent").hasSize(2);
        assertThat(pairs[0].acksSent.get()).isEqualTo(1);
    }

    @Test
    void halfAWindowInOneBatchIsAckedWithoutWaitingForTheBatchEnd() {
        final TrafficSink s = sink(4);
        deliver(s, packet(PayloadFlyweight.KIND_DATA, SIZE, 0, 0));
        deliver(s, packet(PayloadFlyweight.KIND_DATA, SIZE, 0, 1));
        assertThat(acks).containsExactly(new long[] {0, 2});
        s.onEndOfBatch();
        assertThat(acks).as("already acknowledged").hasSize(1);
    }

    @Test
    void ackMovesTheSendersWindowForwardOnly() {
        final TrafficSink s = sink(32);
        deliver(s, packet(PayloadFlyweight.KIND_ACK, PayloadFlyweight.ACK_LENGTH, 1, 10));
        assertThat(pairs[1].ackedSeq.get()).isEqualTo(10);
        assertThat(pairs[1].ackArrivedNs).isPositive();
        deliver(s, packet(PayloadFlyweight.KIND_ACK, PayloadFlyweight.ACK_LENGTH, 1, 7));
        assertThat(pairs[1].ackedSeq.get()).as("a stale ack never moves it back").isEqualTo(10);
        assertThat(pairs[1].acksReceived.get()).isEqualTo(2);
    }

    @Test
    void receivingAndAcknowledgingAllocateNothingOnceWarm() {
        final TrafficSink s = new TrafficSink(pairs, SIZE, 8, new LatencyRecorder(), corrupted, new SenderWakeup());
        s.ackPath((pair, ack, length) -> SendResult.ACCEPTED);
        final byte[] b = new byte[SIZE];
        final UnsafeBuffer v = new UnsafeBuffer(b);
        PayloadFlyweight.writeFill(b, SIZE, 0);
        final long[] seq = {0};
        final var peer = NodePrivateKey.generate().publicKey();
        final long bytes = Allocations.measure(200_000, () -> {
            PayloadFlyweight.writeHeader(v, 0, PayloadFlyweight.KIND_DATA, false, 0, seq[0]++, System.nanoTime());
            PayloadFlyweight.seal(crc, b, SIZE, v);
            s.onPacket(peer, 1, v, 0, SIZE);
            s.onEndOfBatch();
        });
        assertThat(bytes).as("bytes allocated by 200,000 packets (after as many to warm up)").isLessThan(1024);
        assertThat(pairs[0].received.get()).isEqualTo(400_000);
    }
}
