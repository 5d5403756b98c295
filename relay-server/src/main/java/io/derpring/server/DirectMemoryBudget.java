package io.derpring.server;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

import io.derpring.internal.metrics.Counters;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.util.internal.PlatformDependent;

/**
 * The relay's own direct-memory budget (issue 12, D2). The JVM's {@code -XX:MaxDirectMemorySize} alone is not a
 * defence: at that limit every allocation blocks in {@code Bits.reserveMemory} and the event loops wedge. Instead this
 * check runs every {@link #CHECK_INTERVAL_NS}: over the budget, every connection stops reading ({@link
 * ReadPause#DIRECT_MEMORY}; reads are what allocate, writes drain) and {@link ServerCounter#DIRECT_MEMORY_PAUSES}
 * moves; at or below {@link #RESUME_PERCENT} of it, reading resumes. New connections accepted while over start paused.
 *
 * <p>Use is the largest of three views that overlap: the pooled allocator's chunks, Netty's own direct counter
 * (buffers it allocates without a cleaner) and the JDK's direct buffer pool (buffers with one).
 */
final class DirectMemoryBudget implements Runnable {
    static final long CHECK_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Hysteresis: resume only well under the budget, so reading does not flap at its edge. */
    static final int RESUME_PERCENT = 90;

    private final long budgetBytes;
    private final long resumeBytes;
    private final PooledByteBufAllocator allocator;
    private final BufferPoolMXBean jdkDirect;
    private final Counters<ServerCounter> counters;
    private final ChannelGroup[] groups;
    private volatile boolean over;

    DirectMemoryBudget(final long budgetBytes, final PooledByteBufAllocator allocator,
                       final Counters<ServerCounter> counters, final ChannelGroup... groups) {
        this.budgetBytes = budgetBytes;
        this.resumeBytes = budgetBytes / 100 * RESUME_PERCENT;
        this.allocator = allocator;
        this.jdkDirect = jdkDirectPool();
        this.counters = counters;
        this.groups = groups;
    }

    /** The default budget: a share of the JVM's direct-memory limit, so the relay pauses before the JVM blocks. */
    static long defaultBudgetBytes(final int percentOfMax) {
        return PlatformDependent.maxDirectMemory() / 100 * percentOfMax;
    }

    long usedBytes() {
        final long jdk = jdkDirect == null ? 0 : jdkDirect.getMemoryUsed();
        return Math.max(allocator.metric().usedDirectMemory(), Math.max(PlatformDependent.usedDirectMemory(), jdk));
    }

    boolean isOver() {
        return over;
    }

    /** A new connection (on its loop, after it joined its group): starts paused while over. */
    void onAccepted(final Channel channel) {
        if (over) {
            ReadPause.DIRECT_MEMORY.pause(channel);
        }
    }

    @Override
    public void run() {
        final long used = usedBytes();
        if (!over && used > budgetBytes) {
            over = true;
            counters.increment(ServerCounter.DIRECT_MEMORY_PAUSES);
            forEach(true);
        } else if (over && used <= resumeBytes) {
            over = false; // before the sweep: a channel accepted from now on does not pause itself
            forEach(false);
        }
    }

    private void forEach(final boolean pause) {
        for (final ChannelGroup g : groups) {
            for (final Channel ch : g) {
                ch.eventLoop().execute(() -> {
                    if (pause) {
                        ReadPause.DIRECT_MEMORY.pause(ch);
                    } else {
                        ReadPause.DIRECT_MEMORY.resume(ch);
                    }
                });
            }
        }
    }

    private static BufferPoolMXBean jdkDirectPool() {
        for (final BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                return pool;
            }
        }
        return null;
    }
}
