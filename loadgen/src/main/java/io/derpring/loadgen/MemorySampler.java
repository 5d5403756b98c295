package io.derpring.loadgen;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.netty.util.internal.PlatformDependent;

/**
 * Samples this JVM's memory once a second so a long run shows whether it stays flat: the heap as the last GC left it
 * (the sum of the heap pools' collection usage: live data, without the garbage between collections), the JDK's
 * direct buffers ({@code BufferPoolMXBean "direct"}), and Netty's own direct memory counter (buffers it allocates
 * without a JDK cleaner; -1 when Netty does not track them). First, last, min and max of each; the heap series
 * starts with the first collection.
 */
final class MemorySampler implements Runnable {
    static final long INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);

    /** One sampled quantity. Written by the sampler thread only; read by others. */
    static final class Series {
        private volatile long first = -1;
        private volatile long last = -1;
        private volatile long min = Long.MAX_VALUE;
        private volatile long max = Long.MIN_VALUE;
        private volatile long samples;

        void add(final long v) {
            if (samples == 0) {
                first = v;
            }
            last = v;
            min = Math.min(min, v);
            max = Math.max(max, v);
            samples = samples + 1;
        }

        long last() {
            return last;
        }

        Map<String, Long> toMap() {
            final Map<String, Long> m = new LinkedHashMap<>();
            m.put("first", first);
            m.put("last", last);
            m.put("min", samples == 0 ? -1 : min);
            m.put("max", samples == 0 ? -1 : max);
            return m;
        }
    }

    private final Series heapAfterGc = new Series();
    private final Series directBuffers = new Series();
    private final Series nettyDirect = new Series();
    private final List<MemoryPoolMXBean> heapPools;
    private final BufferPoolMXBean direct;
    private volatile boolean stopped;
    private volatile long samples;

    MemorySampler() {
        heapPools = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
            .filter(p -> p.getCollectionUsage() != null).toList();
        direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
            .filter(b -> b.getName().equals("direct")).findFirst().orElse(null);
    }

    void stop() {
        stopped = true;
    }

    /** Takes one sample now (the sampler thread, and once at the end of the run). */
    void sample() {
        long heap = 0;
        for (final MemoryPoolMXBean p : heapPools) {
            final MemoryUsage u = p.getCollectionUsage();
            heap += u == null ? 0 : u.getUsed();
        }
        if (heap > 0) {
            heapAfterGc.add(heap); // 0 = no collection yet: nothing to report, and a 0 would fake a rise later
        }
        directBuffers.add(direct == null ? -1 : direct.getMemoryUsed());
        nettyDirect.add(PlatformDependent.usedDirectMemory());
        samples = samples + 1;
    }

    @Override
    public void run() {
        long nextNs = System.nanoTime();
        while (!stopped) {
            final long waitNs = nextNs - System.nanoTime();
            if (waitNs > 0) {
                LockSupport.parkNanos(Math.min(waitNs, TimeUnit.MILLISECONDS.toNanos(100)));
                continue;
            }
            nextNs += INTERVAL_NS;
            sample();
        }
    }

    long heapAfterGcLast() {
        return heapAfterGc.last();
    }

    long directLast() {
        return Math.max(0, directBuffers.last()) + Math.max(0, nettyDirect.last());
    }

    /** The JSON report's {@code memory} object. */
    Map<String, Object> toMap() {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("samples", samples);
        m.put("interval_s", 1);
        m.put("heap_after_gc_bytes", heapAfterGc.toMap());
        m.put("direct_buffers_bytes", directBuffers.toMap());
        m.put("netty_direct_bytes", nettyDirect.toMap());
        return m;
    }
}
