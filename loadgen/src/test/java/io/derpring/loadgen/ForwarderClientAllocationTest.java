package io.derpring.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

import io.derpring.internal.metrics.Counters;
import io.derpring.server.ForwarderProtocol;
import io.derpring.testing.Allocations;
import io.derpring.transport.internal.client.ClientCounter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.concurrent.FastThreadLocalThread;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The baseline's client keeps the raw client's rule: once warm, sending (queue, drain into pooled batches) and
 * receiving (whole packets viewed in place and handed to the sink) allocate nothing per packet.
 */
class ForwarderClientAllocationTest {
    private static final int SIZE = 1200;
    private static final int PACKETS_PER_PASS = 16;
    /** Tolerance for the JVM's own noise (a TLAB refill, a JIT transient), far below one byte per packet. */
    private static final long MAX_BYTES = 1024;

    private final PairState[] pairs = {new PairState(0, ForwarderClient.REGION, ForwarderClient.REGION)};
    private final TrafficSink sink = new TrafficSink(pairs, SIZE, 0, new LatencyRecorder(), new AtomicLong(),
        new SenderWakeup());
    private final Counters<ClientCounter> counters = new Counters<>(ClientCounter.class);
    private final ForwarderClient client = new ForwarderClient(0, 1, SIZE, sink, counters);
    private final EmbeddedChannel channel = new EmbeddedChannel(client);

    private ResourceLeakDetector.Level leakLevel;

    /** The build's paranoid leak detection records a stack trace on every touch: its cost, not the client's. */
    @BeforeEach
    void noLeakRecords() {
        leakLevel = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }

    @AfterEach
    void restoreLeakDetection() {
        ResourceLeakDetector.setLevel(leakLevel);
        channel.finishAndReleaseAll();
    }

    /**
     * Runs {@code measurement} on a {@link FastThreadLocalThread}, as Netty's event loops are: the pooled allocator
     * keeps its per-thread caches for those threads only, and a client's I/O runs on one.
     */
    private static long onAnEventLoopLikeThread(final java.util.function.LongSupplier measurement)
        throws InterruptedException {
        final long[] bytes = {-1};
        final Thread t = new FastThreadLocalThread(() -> bytes[0] = measurement.getAsLong());
        t.start();
        t.join();
        return bytes[0];
    }

    private static byte[] packet(final long seq) {
        final byte[] p = new byte[SIZE];
        PayloadFlyweight.writeFill(p, SIZE, PayloadFlyweight.patternOf(seq));
        final UnsafeBuffer view = new UnsafeBuffer(p);
        PayloadFlyweight.writeHeader(view, 0, PayloadFlyweight.KIND_DATA, false, 0, seq, System.nanoTime());
        PayloadFlyweight.seal(new CRC32C(), p, SIZE, view);
        return p;
    }

    @Test
    void sendingAPassOfPacketsAllocatesNothing() throws InterruptedException {
        final UnsafeBuffer packet = new UnsafeBuffer(packet(0));
        channel.readOutbound(); // the hello
        final long bytes = onAnEventLoopLikeThread(() -> Allocations.measure(1_000, () -> {
            for (int i = 0; i < PACKETS_PER_PASS; i++) {
                client.offer(packet, SIZE);
            }
            channel.runPendingTasks();
            ByteBuf out;
            while ((out = channel.readOutbound()) != null) {
                out.release();
            }
        }));
        assertThat(bytes).isLessThan(MAX_BYTES);
        assertThat(counters.get(ClientCounter.PACKETS_SENT)).isPositive();
    }

    @Test
    void receivingWholePacketsAllocatesNothing() throws InterruptedException {
        final ByteBuf wire = Unpooled.directBuffer(PACKETS_PER_PASS * (SIZE + ForwarderProtocol.PREFIX_LENGTH));
        for (int i = 0; i < PACKETS_PER_PASS; i++) {
            wire.writeInt(SIZE).writeBytes(packet(i));
        }
        final long bytes = onAnEventLoopLikeThread(() -> Allocations.measure(1_000, () -> {
            wire.retain().readerIndex(0);
            channel.pipeline().fireChannelRead(wire);
            channel.pipeline().fireChannelReadComplete();
        }));
        assertThat(bytes).isLessThan(MAX_BYTES);
        assertThat(pairs[0].received.get()).as("the sink got the packets").isEqualTo(PACKETS_PER_PASS);
        assertThat(pairs[0].duplicated.get()).as("and every repeat").isPositive();
        wire.release();
    }
}
