package io.derpring.jmh.pipeline;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
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
 * The reference hand-off the pipeline is measured against: the same 1200-byte copy through an Agrona ring buffer
 * (one-to-one for one producer, many-to-one for two) of the same memory footprint as the pipeline's slab, with one
 * consumer thread reading every byte. It has no stages: it is the floor of what a copy-and-hand-off costs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ReferenceHandoffBenchmark {
    static final int RING_SLOTS = 1024;
    static final int SLOT_BYTES = 2048;

    @Param({"1200"})
    public int size;

    /** Where the producer and the consumer run, as in {@link InboundPipelineBenchmark#pinning}. */
    @Param({"NONE"})
    public Pinning pinning;

    private RingBuffer oneToOne;
    private RingBuffer manyToOne;
    private Thread consumer;
    private volatile boolean running;
    private final AtomicLong consumed = new AtomicLong();
    private final ThreadLocal<UnsafeBuffer> packets = new ThreadLocal<>();

    @Setup(Level.Trial)
    public void setUp() {
        oneToOne = new OneToOneRingBuffer(newRingMemory());
        manyToOne = new ManyToOneRingBuffer(newRingMemory());
        running = true;
        consumer = new Thread(this::consume, "reference-consumer");
        consumer.setDaemon(true);
        consumer.start();
    }

    private static AtomicBuffer newRingMemory() {
        return new UnsafeBuffer(ByteBuffer.allocateDirect(RING_SLOTS * SLOT_BYTES + RingBufferDescriptor.TRAILER_LENGTH));
    }

    /** Backs off as the pipeline's default SleepingWaitStrategy does: spin, yield, then park 100 ns. */
    private void consume() {
        pinning.pinConsumer();
        final long[] sink = {0};
        final MessageHandler handler = (msgType, buffer, index, length) ->
            sink[0] ^= PacketReader.read(buffer, index, length);
        final IdleStrategy idle = new BackoffIdleStrategy(100, 100, 100, 100);
        while (running) {
            final int n = oneToOne.read(handler, 64) + manyToOne.read(handler, 64);
            if (n > 0) {
                consumed.addAndGet(n);
            }
            idle.idle(n);
        }
        result = sink[0];
    }

    /** Read after the run so the consumer's reads can't be optimised away. */
    volatile long result;

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        running = false;
        consumer.join(5_000);
    }

    private UnsafeBuffer packet() {
        UnsafeBuffer packet = packets.get();
        if (packet == null) {
            pinning.pinProducer(); // the first call on each worker thread
            packet = new UnsafeBuffer(ByteBuffer.allocateDirect(size));
            for (int i = 0; i < size; i++) {
                packet.putByte(i, (byte) i);
            }
            packets.set(packet);
        }
        return packet;
    }

    @Benchmark
    @Threads(1)
    public boolean oneProducer() {
        final DirectBuffer packet = packet();
        while (!oneToOne.write(1, packet, 0, size)) {
            Thread.yield(); // full: give the core to the consumer (2 cores; spinning would starve it)
        }
        return true;
    }

    @Benchmark
    @Threads(2)
    public boolean twoProducers() {
        final DirectBuffer packet = packet();
        while (!manyToOne.write(1, packet, 0, size)) {
            Thread.yield();
        }
        return true;
    }
}
