package io.derpring.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.derpring.internal.frame.FrameError;
import io.derpring.relay.AdmissionDecision;
import io.derpring.internal.relay.ClientSink;
import io.derpring.internal.relay.RelayClient;
import io.derpring.internal.relay.RelaySession;
import io.derpring.internal.relay.RelayShard;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The DERP protocol on one connection, after the HTTP upgrade (or from the first byte in raw mode). It only moves
 * bytes: each inbound {@link ByteBuf} is lent to the engine's {@link RelaySession} through one reusable
 * {@link UnsafeBuffer} view (no copy), and the session writes through this handler as its {@link ClientSink}.
 *
 * <p>Inbound bytes that arrive before {@link #start} (the tail of the upgrade request's read, e.g. a fast-start
 * client's ClientInfo) are held, so the 101 response and ServerKey always go out first.
 *
 * <p>For the relay's write deadline it knows when a written frame has wholly left: it keeps the running byte offset at
 * which each unsent frame ends, and a frame has left once the bytes written minus the channel's pending outbound bytes
 * reach its end (Netty counts an entry as pending until all of it was written to the socket).
 *
 * <p>Protection (SPEC §3.7, §3.8): while the session waits for an admission decision, reading stops ({@code autoRead}
 * off) and the bytes after ClientInfo are held; the decision is handed back on this loop. While the client is over
 * its receive rate, reading stops until its bucket is out of debt: TCP flow control slows the sender, nothing is
 * dropped. A connection that proves the mesh key gives back its per-IP slot ({@link ConnectionCaps}).
 */
final class DerpConnectionHandler extends FrameSinkHandler {
    /** Most connections have a few frames in flight; the queue grows (rarely) for a backed-up reader. */
    private final RelayShard<ByteBuf> shard;
    private final ServerContext server;
    private final HandshakeDeadline deadline;
    private final boolean startOnActive;
    /** Over WebSocket each write becomes one binary frame: its header bytes are pending too, and counted with it. */
    private final boolean webSocket;
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private RelaySession<ByteBuf> session;
    private ByteBuf pending;
    private boolean started;
    /** Running byte offset at the end of each written frame that has not wholly left yet, oldest first. */
    /** Allocated once: a rate pause schedules this, never a new lambda. */
    private final Runnable resumeAfterRatePause = this::resumeAfterRatePause;
    /** Allocated once: a destination's drain (from any loop) hands this to our loop. */
    private final Runnable resumeAfterBacklog = this::resumeAfterBacklog;
    private final Runnable backlogPauseTimedOut = this::backlogPauseTimedOut;
    /** The bound of the current backlog pause, or null. */
    private ScheduledFuture<?> backlogTimer;

    DerpConnectionHandler(final ServerContext server, final RelayShard<ByteBuf> shard, final HandshakeDeadline deadline,
                          final boolean startOnActive) {
        this(server, shard, deadline, startOnActive, false);
    }

    DerpConnectionHandler(final ServerContext server, final RelayShard<ByteBuf> shard, final HandshakeDeadline deadline,
                          final boolean startOnActive, final boolean webSocket) {
        this.webSocket = webSocket;
        this.server = server;
        this.shard = shard;
        this.deadline = deadline;
        this.startOnActive = startOnActive;
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx) {
        this.ctx = ctx;
        final SocketAddress remote = ctx.channel().remoteAddress();
        session = new RelaySession<>(shard, this, server.serverPrivate(),
            remote instanceof InetSocketAddress ? (InetSocketAddress) remote : null);
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) {
        if (startOnActive) {
            start(null);
        }
        ctx.fireChannelActive();
    }

    /** Writes the 101 response (null in fast-start and raw modes), then ServerKey, then reads what was held. */
    void start(final ByteBuf upgradeResponse) {
        if (started) {
            return;
        }
        started = true;
        if (upgradeResponse != null) {
            writePacket(upgradeResponse, upgradeResponse.readableBytes()); // counted like a frame: the deadline waits for it
        }
        session.sendServerKey();
        if (pending != null) {
            final ByteBuf held = pending;
            pending = null;
            read(held);
        }
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        final ByteBuf buf = (ByteBuf) msg;
        if (!started || session.admissionPending() || session.readPaused()) {
            if (pending == null) {
                pending = buf;
            } else {
                pending = ctx.alloc().compositeBuffer().addComponents(true, pending, buf);
            }
            return;
        }
        read(buf);
    }

    /** Lends the bytes to the session, then releases them: this handler is their last reader. */
    private void read(final ByteBuf buf) {
        try {
            final int n = buf.readableBytes();
            if (n == 0) {
                return;
            }
            if (buf.hasMemoryAddress()) {
                view.wrap(buf.memoryAddress() + buf.readerIndex(), n);
            } else if (buf.hasArray()) {
                view.wrap(buf.array(), buf.arrayOffset() + buf.readerIndex(), n);
            } else {
                final byte[] copy = new byte[n]; // composite (bytes held over a pause): rare, never per frame
                buf.getBytes(buf.readerIndex(), copy);
                view.wrap(copy);
            }
            final boolean wasHandshake = session.inHandshake();
            final int consumed = session.onData(view, 0, n);
            if (session.admissionPending()) {
                if (consumed < n) {
                    pending = buf.retainedSlice(buf.readerIndex() + consumed, n - consumed);
                }
                awaitAdmission();
                return;
            }
            if (session.readPaused() && consumed < n) {
                pending = buf.retainedSlice(buf.readerIndex() + consumed, n - consumed); // read after the pause
            }
            if (wasHandshake && !session.inHandshake()) {
                handshakeDone();
            }
            pauseIfOverRate();
        } finally {
            buf.release();
            view.wrap(0, 0);
        }
    }

    private void handshakeDone() {
        deadline.met();
        if (session.client().isMeshPeer()) {
            ConnectionCaps.releaseIpSlot(ctx.channel());
        }
    }

    /** SPEC §3.8: stop reading until the decision, which comes back on this loop (the stage completes anywhere). */
    private void awaitAdmission() {
        ReadPause.ADMISSION.pause(ctx.channel());
        session.pendingAdmission().whenComplete((decision, failure) -> {
            final AdmissionDecision d = failure != null ? AdmissionDecision.CALLBACK_ERROR : decision;
            try {
                ctx.executor().execute(() -> onAdmissionDecision(d));
            } catch (final RejectedExecutionException e) {
                // the loop is shutting down and closes this connection
            }
        });
    }

    private void onAdmissionDecision(final AdmissionDecision decision) {
        if (!session.admissionPending()) {
            return; // timed out or closed meanwhile
        }
        session.completeAdmission(decision);
        if (session.inHandshake()) {
            return; // refused: the session closed the connection
        }
        handshakeDone();
        final ByteBuf held = pending;
        pending = null;
        if (held != null) {
            read(held);
        }
        ReadPause.ADMISSION.resume(ctx.channel());
    }

    /** SPEC §3.7: over its receive rate, the client is not read until its bucket is out of debt. */
    private void pauseIfOverRate() {
        final long pauseNs = session.receivePauseNs(); // 0 without a limit: no channel lookup on every read
        if (pauseNs > 0 && !ReadPause.RECEIVE_RATE.holds(ctx.channel())) {
            ReadPause.RECEIVE_RATE.pause(ctx.channel());
            server.tracker().counters.increment(ServerCounter.RECEIVE_RATE_LIMIT_PAUSES);
            resumeIn(pauseNs);
        }
    }

    /** One timer task per pause (never per frame); a pause covers at least one whole read. */
    private void resumeIn(final long pauseNs) {
        try {
            ctx.executor().schedule(resumeAfterRatePause, pauseNs, TimeUnit.NANOSECONDS);
        } catch (final RejectedExecutionException e) {
            // the loop is shutting down and closes this connection
        }
    }

    private void resumeAfterRatePause() {
        if (!ctx.channel().isActive()) {
            return;
        }
        final long pauseNs = session.receivePauseNs();
        if (pauseNs > 0) { // bytes read while the pause began added debt
            resumeIn(pauseNs);
            return;
        }
        ReadPause.RECEIVE_RATE.resume(ctx.channel());
    }

    /** A destination this client wrote to is backlogged: stop reading until it drains, at most {@code maxNs}. */
    @Override
    public boolean pauseReading(final long maxNs) {
        try {
            backlogTimer = ctx.executor().schedule(backlogPauseTimedOut, maxNs, TimeUnit.NANOSECONDS);
        } catch (final RejectedExecutionException e) {
            return false; // the loop is shutting down and closes this connection
        }
        ReadPause.DESTINATION_BACKLOG.pause(ctx.channel());
        return true;
    }

    @Override
    public boolean canPauseReading() {
        return true;
    }

    /** Any loop: the destination drained. */
    @Override
    public void resumeReading() {
        try {
            ctx.executor().execute(resumeAfterBacklog);
        } catch (final RejectedExecutionException e) {
            // the loop is shutting down and closes this connection
        }
    }

    private void resumeAfterBacklog() {
        session.resumeReading();
        readAfterBacklogPause();
    }

    private void backlogPauseTimedOut() {
        backlogTimer = null;
        session.pauseTimedOut();
        readAfterBacklogPause();
    }

    /** The pause is over: the held bytes are read first (they may pause again), then reading goes on. */
    private void readAfterBacklogPause() {
        if (session.readPaused() || !ReadPause.DESTINATION_BACKLOG.holds(ctx.channel())) {
            return; // a stale wakeup: no pause of ours is on, or a newer one still holds
        }
        if (backlogTimer != null) {
            backlogTimer.cancel(false);
            backlogTimer = null;
        }
        final ByteBuf held = pending;
        pending = null;
        if (held != null) {
            read(held);
        }
        if (!session.readPaused()) {
            ReadPause.DESTINATION_BACKLOG.resume(ctx.channel());
        }
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx) {
        final RelayClient<ByteBuf> client = session.client();
        if (client != null) {
            client.onWritabilityChanged(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) {
        if (session.admissionPending() && deadline.expired()) {
            session.timeOutAdmission(); // SPEC §3.8: no answer within the handshake deadline is a refusal
        }
        if (started && !session.reader().isClosed()) {
            session.onEndOfStream();
        }
        session.close();
        deadline.complete();
        if (pending != null) {
            pending.release();
            pending = null;
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(final ChannelHandlerContext ctx) {
        if (pending != null) {
            pending.release();
            pending = null;
        }
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        server.tracker().closeWith(ctx.channel(), ConnectionEnd.IO_ERROR);
        if (!(cause instanceof IOException)) {
            server.errors().record("derp connection", cause);
        }
    }

    @Override
    protected int wireLength(final int length) {
        return webSocket ? length + WebSocketDerpStream.frameHeaderLength(length) : length;
    }

    @Override
    public void close() {
        final FrameError error = session.error();
        if (error != null) {
            server.tracker().protocolError(ctx.channel(), error); // the session failed: a broken DERP rule
        } else if (session.refusal() != null) {
            server.tracker().closeWith(ctx.channel(), ConnectionEnd.ADMISSION_REFUSED);
        } else {
            server.tracker().closeWith(ctx.channel(), ConnectionEnd.RELAY_RULE);
        }
    }
}
