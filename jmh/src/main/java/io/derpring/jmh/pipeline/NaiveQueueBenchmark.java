package io.derpring.jmh.pipeline;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

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
 * The naive baseline, pinned down so it can't drift: what a straightforward Java implementation would write. An
 * {@link ArrayBlockingQueue} of pooled {@code byte[]} (same slot count and size as the pipeline's slab), one consumer
 * thread doing the same stage logic — route learning into a {@code synchronized} map (write on change), the
 * disco-magic check, reading every byte — and returning the array to the pool.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class NaiveQueueBenchmark {
    static final int RING_SLOTS = ReferenceHandoffBenchmark.RING_SLOTS;
    static final int SLOT_BYTES = ReferenceHandoffBenchmark.SLOT_BYTES;
    private static final byte[] DISCO_MAGIC = {0x54, 0x53, (byte) 0xf0, (byte) 0x9f, (byte) 0x92, (byte) 0xac};

    @Param({"1200"})
    public int size;

    /** A received packet as the naive design passes it around. */
    static final class Packet {
        final byte[] bytes = new byte[SLOT_BYTES];
        int length;
        int regionId;
        String peer;
    }

    private ArrayBlockingQueue<Packet> pool;
    private ArrayBlockingQueue<Packet> work;
    private final Map<String, Integer> routes = new HashMap<>();
    private Thread consumer;
    private volatile boolean running;
    volatile long result;
    private byte[] source;

    @Setup(Level.Trial)
    public void setUp() {
        pool = new ArrayBlockingQueue<>(RING_SLOTS);
        work = new ArrayBlockingQueue<>(RING_SLOTS);
        for (int i = 0; i < RING_SLOTS; i++) {
            pool.add(new Packet());
        }
        source = new byte[size];
        for (int i = 0; i < size; i++) {
            source[i] = (byte) i;
        }
        running = true;
        consumer = new Thread(this::consume, "naive-consumer");
        consumer.setDaemon(true);
        consumer.start();
    }

    private void consume() {
        long sink = 0;
        try {
            while (running) {
                final Packet p = work.poll(10, TimeUnit.MILLISECONDS);
                if (p == null) {
                    continue;
                }
                synchronized (routes) {
                    final Integer region = routes.get(p.peer);
                    if (region == null || region != p.regionId) {
                        routes.put(p.peer, p.regionId);
                    }
                }
                if (!looksLikeDisco(p.bytes, p.length)) {
                    sink ^= PacketReader.read(p.bytes, p.length);
                }
                pool.put(p);
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        result = sink;
    }

    private static boolean looksLikeDisco(final byte[] b, final int length) {
        if (length < 62) {
            return false;
        }
        for (int i = 0; i < DISCO_MAGIC.length; i++) {
            if (b[i] != DISCO_MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        running = false;
        consumer.join(5_000);
    }

    private boolean produce(final String peer) throws InterruptedException {
        final Packet p = pool.take();
        System.arraycopy(source, 0, p.bytes, 0, size);
        p.length = size;
        p.regionId = 900;
        p.peer = peer;
        work.put(p);
        return true;
    }

    @Benchmark
    @Threads(1)
    public boolean oneProducer() throws InterruptedException {
        return produce("peer-a");
    }

    @Benchmark
    @Threads(2)
    public boolean twoProducers() throws InterruptedException {
        return produce(Thread.currentThread().getName());
    }
}
