package io.derpring.transport.internal.client;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.net.ssl.SSLException;

import io.derpring.internal.crypto.NaclBox;
import io.derpring.internal.frame.ClientInfo;
import io.derpring.internal.frame.ClientInfoFrame;
import io.derpring.internal.frame.DerpProtocolException;
import io.derpring.internal.frame.FrameReader;
import io.derpring.internal.frame.ServerInfo;
import io.derpring.internal.frame.ServerInfoFrame;
import io.derpring.keys.NodeKey;
import io.derpring.internal.ring.BackpressureListener;
import io.derpring.transport.internal.ByteBufViews;
import io.derpring.transport.internal.tls.MetaCertificate;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The Netty side of one DERP client connection: HTTP upgrade, handshake, reading frames into the
 * {@link InboundFrameDispatcher}, ring backpressure and the channel deadlines. Every method runs on the channel's
 * event loop except {@link #resumeReading()}, which may come from a ring stage thread and hops onto the loop with a
 * pre-allocated task.
 *
 * <pre>
 *  channel active --(TLS handshake)--> request written --(101)--> ServerKey --> ClientInfo written --> ServerInfo
 *                                      \--(fast start: meta-cert or forced)----> ClientInfo written --/   connected
 * </pre>
 *
 * Inbound bytes are viewed in place ({@link ByteBufViews}) and fed to the frame reader one frame at a time
 * ({@link FrameBoundary}), so a full ring can stop the feed between two frames: the refused packet is kept by the
 * dispatcher, the rest of the ByteBuf (and anything read after it) waits in {@link #pausedInput}, and
 * {@code autoRead} is off until the ring resumes us. Every ByteBuf is released exactly once: when fully consumed,
 * or when the connection closes with it still queued.
 */
final class DerpClientHandler extends ChannelInboundHandlerAdapter implements BackpressureListener {
    private enum Phase { TLS_HANDSHAKE, AWAITING_UPGRADE, AWAITING_SERVER_KEY, AWAITING_SERVER_INFO, CONNECTED, CLOSED }

    private final DerpNodeConnection connection;
    private final DerpClientSettings settings;
    private final OutboundDrain drain;
    private final InboundFrameDispatcher frames;
    private final FrameBoundary boundary = new FrameBoundary();
    private final UnsafeBuffer inboundView = new UnsafeBuffer(0, 0);
    private final ArrayDeque<ByteBuf> pausedInput = new ArrayDeque<>(8);
    private final TcpStateProbe tcpState = new TcpStateProbe();
    private final AtomicBoolean resumeScheduled = new AtomicBoolean();
    private final Runnable resumeTask = this::resumeOnLoop;
    private final boolean tls;

    private ChannelHandlerContext ctx;
    private Phase phase;
    private FrameReader reader;
    private UpgradeResponseHead responseHead;
    private UnsafeBuffer copyScratch;
    private boolean paused;
    private long lastReadNs;
    private boolean unwritable;
    private long unwritableSinceNs;
    private boolean fastStart;
    private Throwable failure;

    DerpClientHandler(final DerpNodeConnection connection, final boolean tls) {
        this.connection = connection;
        this.settings = connection.settings();
        this.tls = tls;
        this.drain = connection.drain();
        this.frames = new InboundFrameDispatcher(this, connection, connection.listener(), connection.ring(),
            connection.regionId(), drain, connection.counters());
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.lastReadNs = settings.nanoClock.getAsLong();
        if (tls) {
            phase = Phase.TLS_HANDSHAKE; // SslHandler, added just before us on an active channel, has started it
        } else {
            beginUpgrade(settings.forcedFastStartServerKey);
        }
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent && phase == Phase.TLS_HANDSHAKE) {
            final SslHandshakeCompletionEvent done = (SslHandshakeCompletionEvent) evt;
            if (!done.isSuccess()) {
                fail(new DerpConnectionException(DerpConnectionException.Failure.TLS_FAILED,
                    "TLS handshake with " + connection.describeNode() + " failed: " + done.cause().getMessage(),
                    done.cause()));
                return;
            }
            NodeKey fastStartKey = settings.forcedFastStartServerKey;
            if (fastStartKey == null && settings.fastStartAllowed) {
                fastStartKey = MetaCertificate.serverKey(ctx.pipeline().get(SslHandler.class).engine().getSession());
            }
            beginUpgrade(fastStartKey);
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    /**
     * Writes the upgrade request. With a server key already known (SPEC §2.6 fast start) ClientInfo follows at once
     * and no 101 or ServerKey is waited for; otherwise the 101 is awaited.
     */
    private void beginUpgrade(final NodeKey fastStartKey) {
        fastStart = fastStartKey != null;
        final byte[] request = UpgradeRequest.encode(connection.hostHeader(), settings.userAgent,
            settings.idealNodeName, fastStart);
        ctx.write(Unpooled.wrappedBuffer(request), ctx.voidPromise());
        if (fastStart) {
            reader = FrameReader.forClientFastStart(frames);
            // Go: "the derp.Client's initial client auth frame will flush it".
            onServerKey(fastStartKey);
        } else {
            ctx.flush();
            responseHead = new UpgradeResponseHead(settings.maxResponseHeadBytes);
            phase = Phase.AWAITING_UPGRADE;
        }
    }

    /** The greeting was read (or the key is known from the meta-certificate): seal and send ClientInfo. */
    void onServerKey(final NodeKey serverKey) {
        connection.serverKeyKnown(serverKey, fastStart);
        final ClientInfo info = ClientInfo.standard();
        final byte[] frame = new byte[ClientInfoFrame.frameLength(info)];
        final int length = ClientInfoFrame.seal(new NaclBox(), connection.privateKey(), serverKey, info,
            new UnsafeBuffer(frame), 0);
        ctx.writeAndFlush(Unpooled.wrappedBuffer(frame, 0, length), ctx.voidPromise());
        phase = Phase.AWAITING_SERVER_INFO;
        drain.enable(ctx); // SPEC §2.2 (B11): data may follow ClientInfo before ServerInfo arrives
    }

    void onServerInfo(final DirectBuffer buffer, final int offset, final int length) {
        final ServerInfo info;
        try {
            info = ServerInfoFrame.open(new NaclBox(), connection.privateKey(), connection.serverKey(), buffer,
                offset, length);
        } catch (final DerpProtocolException e) {
            fail(e);
            return;
        }
        connection.counters().increment(ClientCounter.SERVER_INFO_RECEIVED);
        drain.limiter(SendRateLimiter.forServerInfo(info, settings.nanoClock.getAsLong()));
        phase = Phase.CONNECTED;
        connection.connected(info);
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        final ByteBuf buf = (ByteBuf) msg; // ours from here: released below or queued in pausedInput
        if (phase == Phase.CLOSED || failure != null || !buf.isReadable()) {
            buf.release();
            return;
        }
        lastReadNs = settings.nanoClock.getAsLong(); // any byte proves the server alive (keepalive deadline)
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
        final DirectBuffer view = view(buf);
        final int end = buf.readableBytes();
        int pos = 0;
        frames.receiveTime(lastReadNs);
        if (phase == Phase.AWAITING_UPGRADE) {
            try {
                pos = responseHead.onData(view, 0, end);
            } catch (final DerpConnectionException e) {
                fail(e);
                return true;
            }
            if (!responseHead.isComplete()) {
                return true;
            }
            if (responseHead.statusCode() != UpgradeResponseHead.STATUS_SWITCHING_PROTOCOLS) {
                fail(new DerpConnectionException(DerpConnectionException.Failure.UPGRADE_FAILED, "GET failed: "
                    + UpgradeResponseHead.printable(responseHead.statusLine()) + " from " + connection.describeNode()));
                return true;
            }
            responseHead = null;
            reader = FrameReader.forClient(frames);
            phase = Phase.AWAITING_SERVER_KEY;
        }
        pos = feed(view, pos, end);
        frames.publishCounts();
        if (paused && pos < end) {
            buf.skipBytes(pos);
            return false;
        }
        return true;
    }

    /** Hands the reader one frame at a time until the input ends, the ring refuses a packet or the reader fails. */
    private int feed(final DirectBuffer view, final int from, final int end) {
        int pos = from;
        while (pos < end && !paused && failure == null && reader != null && !reader.isClosed()) {
            final int n = boundary.bytesOfCurrentFrame(view, pos, end);
            reader.onData(view, pos, n);
            pos += n;
        }
        return pos;
    }

    private DirectBuffer view(final ByteBuf buf) {
        if (ByteBufViews.wrapReadable(inboundView, buf)) {
            return inboundView;
        }
        // A composite buffer has no flat memory: copy it (never seen with the transports' own buffers).
        final int n = buf.readableBytes();
        if (copyScratch == null || copyScratch.capacity() < n) {
            copyScratch = new UnsafeBuffer(new byte[Math.max(n, 4096)]);
        }
        buf.getBytes(buf.readerIndex(), copyScratch.byteArray(), 0, n);
        return copyScratch;
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
        if (!paused || phase == Phase.CLOSED) {
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
        while (!paused && failure == null && (buf = pausedInput.peekFirst()) != null) {
            final boolean consumed = consume(buf);
            if (!consumed) {
                return;
            }
            pausedInput.pollFirst();
            buf.release();
        }
        if (!paused && failure == null) {
            lastReadNs = nowNs; // time spent paused by our own ring is not server silence
            ctx.channel().config().setAutoRead(true); // also asks the transport for the next read
        }
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            unwritable = false;
            drain.run();
        } else if (!unwritable) {
            unwritable = true;
            unwritableSinceNs = settings.nanoClock.getAsLong();
        }
        ctx.fireChannelWritabilityChanged();
    }

    /** Connection's deadline tick, on this loop. */
    void checkDeadlines(final long nowNs) {
        if (phase == Phase.CLOSED) {
            return;
        }
        if (phase == Phase.CONNECTED && !paused && nowNs - lastReadNs > settings.keepAliveDeadlineNs) {
            fail(new DerpConnectionException(DerpConnectionException.Failure.KEEPALIVE_TIMEOUT,
                "nothing received from " + connection.describeNode() + " for more than "
                    + settings.keepAliveDeadlineNs / 1_000_000 + " ms (keepalive deadline)"));
        } else if (phase == Phase.CONNECTED && !paused && nowNs - lastReadNs > settings.deadlineCheckIntervalNs
            && tcpState.peerEnded(ctx.channel())) {
            // Silent for a tick with the socket already reset or at EOF: the transport missed it (TcpStateProbe).
            // Not while paused: bytes the ring has not taken yet may still be queued ahead of the end.
            fail(new DerpConnectionException(DerpConnectionException.Failure.IO_ERROR, connection.describeNode()
                + " reset or closed the connection (TCP state; the transport did not report it)"));
        } else if (unwritable && nowNs - unwritableSinceNs > settings.writeDeadlineNs) {
            fail(new DerpConnectionException(DerpConnectionException.Failure.WRITE_TIMEOUT,
                "channel to " + connection.describeNode() + " unwritable for more than "
                    + settings.writeDeadlineNs / 1_000_000 + " ms (write deadline)"));
        }
    }

    boolean isConnected() {
        return phase == Phase.CONNECTED;
    }

    /** Records the first failure and closes; {@link #channelInactive} reports it. */
    void fail(final Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
        if (phase != Phase.CLOSED) {
            ctx.close();
        }
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        if (phase == Phase.TLS_HANDSHAKE && hasCause(cause, SSLException.class)) {
            fail(new DerpConnectionException(DerpConnectionException.Failure.TLS_FAILED,
                "TLS handshake with " + connection.describeNode() + " failed: " + rootMessage(cause), cause));
        } else {
            fail(new DerpConnectionException(DerpConnectionException.Failure.IO_ERROR,
                "I/O error on the connection to " + connection.describeNode() + ": " + rootMessage(cause), cause));
        }
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) {
        if (failure == null) {
            if (reader != null) {
                reader.onEndOfStream(); // inside a frame: the reader's onError records TRUNCATED_* as the failure
            }
            if (failure == null) {
                failure = new DerpConnectionException(DerpConnectionException.Failure.CLOSED_BY_SERVER,
                    connection.describeNode() + " closed the connection"
                        + (phase == Phase.CONNECTED ? "" : " during " + phase));
            }
        }
        close();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(final ChannelHandlerContext ctx) {
        close();
    }

    /** Loop: marks the handler closed, releases every held buffer once, and reports to the connection. */
    private void close() {
        if (phase == Phase.CLOSED) {
            return;
        }
        final boolean wasConnected = phase == Phase.CONNECTED;
        phase = Phase.CLOSED;
        ByteBuf buf;
        while ((buf = pausedInput.pollFirst()) != null) {
            buf.release();
        }
        final int unsent = drain.disable();
        if (unsent > 0) {
            connection.counters().add(ClientCounter.DROPPED_UNSENT_AT_CLOSE, unsent);
        }
        connection.closed(failure != null ? failure : new DerpConnectionException(
            DerpConnectionException.Failure.CLOSED_LOCALLY, "handler removed"), wasConnected);
    }

    private static boolean hasCause(final Throwable t, final Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(final Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getClass().getSimpleName() + ": " + c.getMessage();
    }
}
