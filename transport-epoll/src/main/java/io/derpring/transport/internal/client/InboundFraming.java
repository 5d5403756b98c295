package io.derpring.transport.internal.client;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;

import io.derpring.internal.frame.FrameReader;
import io.derpring.internal.ring.BackpressureListener;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import org.agrona.DirectBuffer;

/**
 * Steady-state reading of one connection: DERP frames out of the inbound ByteBufs into the
 * {@link InboundFrameDispatcher}, with the inbound ring's backpressure (SPEC §5.11). Every method runs on the channel's
 * event loop except {@link #resumeReading()}, which may come from a ring stage thread and hops onto the loop with a
 * pre-allocated task.
 *
 * <p>Inbound bytes are viewed in place ({@link ReadableView}) and fed to the frame reader one frame at a time
 * ({@link FrameBoundary}), so a full ring can stop the feed between two frames: the refused packet is kept by the
 * dispatcher, the rest of the ByteBuf (and anything read after it) waits in {@link #pausedInput}, and
 * {@code autoRead} is off until the ring resumes us. Every ByteBuf handed to {@link #onRead} is released exactly
 * once: when fully consumed, or by {@link #releaseHeld()} when the connection closes with it still queued.
 */
final class InboundFraming implements BackpressureListener {
    /** Reads queued while paused before the ring resumes us; the deque grows past this only under a long pause. */
    private static final int PAUSED_READS_CAPACITY = 8;

    private final DerpClientHandler handler;
    private final ChannelHandlerContext ctx;
    private final DerpClientSettings settings;
    private final DerpNodeConnection connection;
    private final ReadableView view;
    private final InboundFrameDispatcher frames;
    private final FrameBoundary boundary = new FrameBoundary();
    private final ArrayDeque<ByteBuf> pausedInput = new ArrayDeque<>(PAUSED_READS_CAPACITY);
    private final AtomicBoolean resumeScheduled = new AtomicBoolean();
    private final Runnable resumeTask = this::resumeOnLoop;

    private FrameReader reader;
    private boolean paused;
    private long lastReadNs;
    /**
     * When the last complete frame arrived (or reading last resumed): the keepalive deadline's start. Only whole
     * frames count, as Go's Recv deadline covers a whole frame: a relay dripping a byte a minute must not keep a dead
     * connection alive.
     */
    private long lastFrameNs;

    InboundFraming(final DerpClientHandler handler, final ChannelHandlerContext ctx,
                   final DerpNodeConnection connection, final DerpHandshake handshake, final ReadableView view) {
        this.handler = handler;
        this.ctx = ctx;
        this.settings = connection.settings();
        this.connection = connection;
        this.view = view;
        this.frames = new InboundFrameDispatcher(handler, handshake, this, connection, connection.listener(),
            connection.ring(), connection.regionId(), connection.drain(), connection.counters());
        this.lastReadNs = settings.nanoClock.getAsLong();
        this.lastFrameNs = lastReadNs;
    }

    /** The stream is DERP frames from here: after the 101, or at once with fast start (no ServerKey frame). */
    void startFrames(final boolean fastStart) {
        reader = fastStart ? FrameReader.forClientFastStart(frames) : FrameReader.forClient(frames);
    }

    /** The time of the latest read: bytes arrived (for the TCP-state probe; the keepalive deadline wants frames). */
    void readAt(final long nowNs) {
        lastReadNs = nowNs;
    }

    long lastReadNs() {
        return lastReadNs;
    }

    /** When the last complete frame arrived (or reading resumed); the keepalive deadline runs from here. */
    long lastFrameNs() {
        return lastFrameNs;
    }

    /** True while the ring holds us paused: no socket reads, no keepalive deadline. */
    boolean isPaused() {
        return paused;
    }

    /** Takes ownership of {@code buf}: feeds it now, or queues it behind earlier input while paused. */
    void onRead(final ByteBuf buf) {
        if (paused || !pausedInput.isEmpty()) {
            pausedInput.addLast(buf); // bytes read before autoRead took effect (or decrypted by TLS) wait their turn
            return;
        }
        if (consume(buf)) {
            buf.release();
        } else {
            pausedInput.addFirst(buf);
        }
    }

    /** Feeds {@code buf}'s readable bytes; true when all are consumed, false when the ring paused us mid-buffer. */
    private boolean consume(final ByteBuf buf) {
        final DirectBuffer bytes = view.of(buf);
        final int end = buf.readableBytes();
        frames.receiveTime(lastReadNs);
        final long frameBefore = lastFrameNs;
        final int pos = feed(bytes, 0, end);
        frames.publishCounts();
        if (lastFrameNs != frameBefore) {
            connection.frameReceived(lastFrameNs); // one volatile write per read, not per frame
        }
        if (paused && pos < end) {
            buf.skipBytes(pos);
            return false;
        }
        return true;
    }

    /** Hands the reader one frame at a time until the input ends, the ring refuses a packet or the reader fails. */
    private int feed(final DirectBuffer bytes, final int from, final int end) {
        int pos = from;
        while (pos < end && !paused && !handler.hasFailed() && reader != null && !reader.isClosed()) {
            final int n = boundary.bytesOfCurrentFrame(bytes, pos, end);
            reader.onData(bytes, pos, n);
            pos += n;
            if (boundary.atBoundary()) {
                lastFrameNs = lastReadNs; // a whole frame (delivered, dropped or skipped) arrived
            }
        }
        return pos;
    }

    /** Dispatcher: the ring refused a packet (it kept it). Stop feeding and reading until the ring resumes us. */
    void pausedByFullRing() {
        if (!paused) {
            paused = true;
            connection.counters().increment(ClientCounter.RING_FULL_PAUSES);
        }
    }

    /** Ring, on this loop inside {@code offer}: stop reading from the socket. */
    @Override
    public void pauseReading() {
        ctx.channel().config().setAutoRead(false);
    }

    /** Ring, from any thread, once per pause: continue on the loop. */
    @Override
    public void resumeReading() {
        if (resumeScheduled.compareAndSet(false, true)) {
            ctx.executor().execute(resumeTask);
        }
    }

    private void resumeOnLoop() {
        resumeScheduled.set(false);
        if (!paused || handler.isClosed()) {
            return;
        }
        final long nowNs = settings.nanoClock.getAsLong();
        if (!frames.reofferRefused(nowNs)) {
            return; // refused again: the ring paused us again and will resume us again
        }
        paused = false;
        connection.counters().increment(ClientCounter.RING_FULL_RESUMES);
        frames.receiveTime(nowNs);
        ByteBuf buf;
        while (!paused && !handler.hasFailed() && (buf = pausedInput.peekFirst()) != null) {
            final boolean consumed = consume(buf);
            if (!consumed) {
                return;
            }
            pausedInput.pollFirst();
            buf.release();
        }
        if (!paused && !handler.hasFailed()) {
            lastReadNs = nowNs; // time spent paused by our own ring is not server silence
            lastFrameNs = nowNs;
            ctx.channel().config().setAutoRead(true); // also asks the transport for the next read
        }
    }

    /** The stream ended: a frame cut short is the reader's error (TRUNCATED_*), reported through the dispatcher. */
    void onEndOfStream() {
        if (reader != null) {
            reader.onEndOfStream();
        }
    }

    /** Closing: releases every ByteBuf still queued, once. */
    void releaseHeld() {
        ByteBuf buf;
        while ((buf = pausedInput.pollFirst()) != null) {
            buf.release();
        }
    }
}
