package io.derpring.transport.internal.client;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

import io.derpring.internal.frame.NotePreferredFlyweight;
import io.derpring.internal.frame.PacketFlyweight;
import io.derpring.internal.frame.PingFlyweight;
import io.derpring.internal.metrics.Counters;
import io.derpring.internal.queue.OutboundQueue;
import io.derpring.transport.internal.ByteBufViews;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Moves a connection's outbound frames onto its channel, on its event loop only (Netty's rule, and what makes the
 * write path lock-free: callers never touch the channel).
 *
 * <p>One pass ({@link #run()}): control frames first (Pongs owed to the server, while the channel is writable; a
 * requested Ping; a changed NotePreferred; all small and unlimited by the rate limiter), then queued disco frames
 * and packets (disco first, so a data burst cannot starve them) while the channel is writable and the pass budget
 * lasts, each encoded as a SendPacket straight into pooled direct buffers of {@link #BATCH_CAPACITY}; then one flush. The budget (the
 * write-buffer high-water mark) bounds what a pass can add even where writability lags
 * (TLS holds unencrypted writes until the flush); leftovers get another pass, or wait for
 * {@code channelWritabilityChanged}. Go's server writer batches the same way: flush only when no input is ready
 * (SPEC §3.3).
 *
 * <p>Wake-up: a producer schedules this task with {@link #wake()} only when no pass is already pending, so a burst
 * of sends costs one task on the loop. The flag is cleared before the pass polls, so a packet queued after the last
 * poll always schedules a new pass.
 */
final class OutboundDrain implements Runnable {
    /** derpring choice: 16 KiB, about one TLS record, a dozen MTU-sized packets per buffer. */
    static final int BATCH_CAPACITY = 16 * 1024;
    /**
     * derpring choice: Pongs owed at once. Go's client answers every Ping (magicsock: {@code go dc.SendPong}); a
     * server that pings faster than we can write (a pass has not run yet, or the channel is unwritable: a server that
     * pings but does not read) gets the oldest pongs dropped (counted), never unbounded memory or socket buffers.
     */
    static final int MAX_OWED_PONGS = 8;

    private final OutboundQueue queue;
    private final OutboundQueue disco;
    private final Counters<ClientCounter> counters;
    private final LongSupplier clock;
    private final EventLoop loop;
    private final int passBudgetBytes;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final UnsafeBuffer batchView = new UnsafeBuffer(0, 0);

    // Written by any thread, read by the loop.
    private final AtomicBoolean pingRequested = new AtomicBoolean();
    private volatile long pingData;
    /** -1: never asked; 0/1: the NotePreferred value wanted. */
    private volatile int preferredWanted = -1;

    // Event loop only.
    private ChannelHandlerContext ctx;
    private SendRateLimiter limiter;
    private int preferredSent = -1;
    private final long[] owedPongs = new long[MAX_OWED_PONGS];
    private int owedPongHead;
    private int owedPongCount;
    private ByteBuf batch;
    private int drainedPackets;
    private int rateLimitedPackets;

    OutboundDrain(final OutboundQueue queue, final OutboundQueue disco, final Counters<ClientCounter> counters,
                  final LongSupplier clock, final EventLoop loop, final int passBudgetBytes) {
        this.queue = queue;
        this.disco = disco;
        this.counters = counters;
        this.clock = clock;
        this.loop = loop;
        this.passBudgetBytes = passBudgetBytes;
    }

    /** Any thread: make sure a pass runs soon on the loop. Allocates nothing once the loop's task queue is warm. */
    void wake() {
        if (scheduled.compareAndSet(false, true)) {
            loop.execute(this);
        }
    }

    /** Any thread: write a Ping with these 8 bytes; a newer request before the pass replaces an older one. */
    void requestPing(final long data) {
        pingData = data;
        pingRequested.set(true);
        wake();
    }

    /** Any thread: tell the server whether this is the home region (sent after ClientInfo, and on each change). */
    void notePreferred(final boolean preferred) {
        preferredWanted = preferred ? 1 : 0;
        wake();
    }

    /** Loop: ClientInfo is written; frames may follow it (SPEC §2.2, B11). Runs a pass for what waited. */
    void enable(final ChannelHandlerContext ctx) {
        this.ctx = ctx;
        run();
    }

    /** Loop: ServerInfo asked for a send limiter, or (null) for none. */
    void limiter(final SendRateLimiter limiter) {
        this.limiter = limiter;
    }

    SendRateLimiter limiter() {
        return limiter;
    }

    /** Loop: answer a server Ping in the next pass that finds the channel writable (SPEC §3.6, B28). */
    void owePong(final long data) {
        if (owedPongCount == MAX_OWED_PONGS) {
            counters.increment(ClientCounter.PONGS_DROPPED);
            owedPongHead = (owedPongHead + 1) % MAX_OWED_PONGS;
            owedPongCount--;
        }
        owedPongs[(owedPongHead + owedPongCount) % MAX_OWED_PONGS] = data;
        owedPongCount++;
        wake();
    }

    /** Loop: the channel is closed; nothing more is written. Returns the packets that were still queued. */
    int disable() {
        ctx = null;
        releaseBatch();
        return queue.clear() + disco.clear();
    }

    @Override
    public void run() {
        scheduled.set(false);
        final ChannelHandlerContext ctx = this.ctx;
        if (ctx == null) {
            return; // before ClientInfo, or closed: packets wait in the bounded queues
        }
        int bytes = 0;
        // Pongs wait for writability like data: a peer that pings without reading would otherwise grow the channel's
        // outbound buffer until the write deadline; owed ones stay (at most MAX_OWED_PONGS) for the writable event.
        while (owedPongCount > 0 && ctx.channel().isWritable()) {
            bytes += putPong(ctx, owedPongs[owedPongHead]);
            owedPongHead = (owedPongHead + 1) % MAX_OWED_PONGS;
            owedPongCount--;
        }
        if (pingRequested.getAndSet(false)) {
            bytes += putPing(ctx);
        }
        final int preferred = preferredWanted;
        if (preferred >= 0 && preferred != preferredSent) {
            preferredSent = preferred;
            bytes += putNotePreferred(ctx, preferred == 1);
        }
        final long nowNs = limiter == null ? 0 : clock.getAsLong();
        rateLimitedPackets = 0;
        bytes = drainQueue(ctx, disco, bytes, nowNs);
        final int discoFrames = drainedPackets;
        bytes = drainQueue(ctx, queue, bytes, nowNs);
        final int packets = discoFrames + drainedPackets;
        final int rateLimited = rateLimitedPackets;
        if (discoFrames > 0) {
            counters.add(ClientCounter.DISCO_SENT, discoFrames);
        }
        if (batch != null) {
            ctx.write(batch, ctx.voidPromise());
            batch = null;
        }
        if (bytes > 0) {
            ctx.flush();
            counters.increment(ClientCounter.FLUSHES);
            counters.add(ClientCounter.BYTES_SENT, bytes);
            if (packets > 0) {
                counters.add(ClientCounter.PACKETS_SENT, packets);
            }
        }
        if (rateLimited > 0) {
            counters.add(ClientCounter.DROPPED_RATE_LIMITED, rateLimited);
        }
        if ((!queue.isEmpty() || !disco.isEmpty() || owedPongCount > 0) && ctx.channel().isWritable()) {
            wake(); // the pass budget ran out: continue on the next loop pass, after other channels had theirs
        }
    }

    /**
     * Encodes packets of {@code from} as SendPackets into the batch while the channel is writable and the pass
     * budget lasts; returns the pass's bytes so far and leaves the counts in {@link #drainedPackets} and
     * {@link #rateLimitedPackets} (fields, so a pass allocates nothing).
     */
    private int drainQueue(final ChannelHandlerContext ctx, final OutboundQueue from, final int bytesSoFar,
                           final long nowNs) {
        int bytes = bytesSoFar;
        drainedPackets = 0;
        while (bytes < passBudgetBytes && ctx.channel().isWritable()) {
            final OutboundQueue.Slot slot = from.poll();
            if (slot == null) {
                break;
            }
            try {
                final int frameLength = PacketFlyweight.frameLength(slot.length());
                if (limiter != null && !limiter.tryAcquire(frameLength, nowNs)) {
                    rateLimitedPackets++;
                    continue;
                }
                reserve(ctx, frameLength);
                commit(PacketFlyweight.encodeSendPacket(batchView, 0, slot.destination(), slot.bytes(), 0,
                    slot.length()));
                bytes += frameLength;
                drainedPackets++;
            } finally {
                from.release(slot);
            }
        }
        return bytes;
    }

    private int putPong(final ChannelHandlerContext ctx, final long data) {
        reserve(ctx, PingFlyweight.FRAME_LENGTH);
        final int n = PingFlyweight.encodePong(batchView, 0, data);
        commit(n);
        counters.increment(ClientCounter.PONGS_SENT);
        return n;
    }

    private int putPing(final ChannelHandlerContext ctx) {
        reserve(ctx, PingFlyweight.FRAME_LENGTH);
        final int n = PingFlyweight.encodePing(batchView, 0, pingData);
        commit(n);
        counters.increment(ClientCounter.PINGS_SENT);
        return n;
    }

    private int putNotePreferred(final ChannelHandlerContext ctx, final boolean preferred) {
        reserve(ctx, NotePreferredFlyweight.FRAME_LENGTH);
        final int n = NotePreferredFlyweight.encode(batchView, 0, preferred);
        commit(n);
        counters.increment(ClientCounter.NOTE_PREFERRED_SENT);
        return n;
    }

    /**
     * Makes room for {@code length} bytes in the current batch buffer (writing out a full one and taking a new one),
     * and aims {@link #batchView} at its writable bytes.
     */
    private void reserve(final ChannelHandlerContext ctx, final int length) {
        if (batch != null && batch.writableBytes() < length) {
            ctx.write(batch, ctx.voidPromise());
            batch = null;
        }
        if (batch == null) {
            batch = ctx.alloc().directBuffer(Math.max(BATCH_CAPACITY, length));
        }
        if (!ByteBufViews.wrapWritable(batchView, batch)) {
            throw new IllegalStateException("allocator gave a buffer without flat memory: " + batch);
        }
    }

    private void commit(final int length) {
        batch.writerIndex(batch.writerIndex() + length);
    }

    private void releaseBatch() {
        if (batch != null) {
            batch.release();
            batch = null;
        }
    }
}
