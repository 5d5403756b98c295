package io.derpring.transport.internal.client;

import javax.net.ssl.SSLException;

import io.derpring.keys.NodeKey;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.agrona.DirectBuffer;

/**
 * The Netty side of one DERP client connection: its phases, its first failure and its close, with each phase's work
 * done by one collaborator — {@link HttpUpgrade} (the HTTP upgrade), {@link DerpHandshake} (ServerKey, ClientInfo,
 * ServerInfo), {@link InboundFraming} (frames into the ring, with backpressure) and {@link ConnectionDeadlines}.
 * Every method runs on the channel's event loop.
 *
 * <pre>
 *  channel active --(TLS handshake)--> request written --(101)--> ServerKey --> ClientInfo written --> ServerInfo
 *                                      \--(fast start: meta-cert or forced)----> ClientInfo written --/   connected
 * </pre>
 */
final class DerpClientHandler extends ChannelInboundHandlerAdapter {
    /** Where the connection is; a failure message names the phase a server closed us in. */
    enum Phase { TLS_HANDSHAKE, AWAITING_UPGRADE, AWAITING_SERVER_KEY, AWAITING_SERVER_INFO, CONNECTED, CLOSED }

    private final DerpNodeConnection connection;
    private final DerpClientSettings settings;
    private final OutboundDrain drain;
    private final ReadableView view = new ReadableView();
    private final ConnectionDeadlines deadlines;
    private final boolean tls;
    /** WebSocket mode: the stream that does the upgrade and carries DERP in binary messages; null for Upgrade: DERP. */
    private final WebSocketStream webSocket;

    private ChannelHandlerContext ctx;
    private HttpUpgrade upgrade;
    private DerpHandshake handshake;
    private InboundFraming framing;
    private Phase phase;
    private Throwable failure;

    DerpClientHandler(final DerpNodeConnection connection, final boolean tls, final WebSocketStream webSocket) {
        this.connection = connection;
        this.settings = connection.settings();
        this.drain = connection.drain();
        this.deadlines = new ConnectionDeadlines(settings, connection.describeNode());
        this.tls = tls;
        this.webSocket = webSocket;
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.upgrade = new HttpUpgrade(connection);
        this.handshake = new DerpHandshake(this, ctx, connection);
        this.framing = new InboundFraming(this, ctx, connection, handshake, view);
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
            beginUpgrade(upgrade.fastStartKeyAfterTls(ctx));
            return;
        }
        if (evt == WebSocketStream.Event.UPGRADED && phase == Phase.AWAITING_UPGRADE) {
            framing.startFrames(false);
            phase = Phase.AWAITING_SERVER_KEY;
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    /**
     * Writes the upgrade request. With a server key already known (SPEC §2.6 fast start) ClientInfo follows at once
     * and no 101 or ServerKey is waited for; otherwise the 101 is awaited. Over WebSocket there is no fast start (Go
     * reads ServerKey there too): the stream writes its request and signals the verified 101.
     */
    private void beginUpgrade(final NodeKey fastStartKey) {
        if (webSocket != null) {
            phase = Phase.AWAITING_UPGRADE;
            webSocket.start(ctx.channel());
            return;
        }
        final boolean fastStart = fastStartKey != null;
        upgrade.sendRequest(ctx, fastStart);
        if (fastStart) {
            framing.startFrames(true);
            handshake.fastStart(fastStartKey);
        } else {
            phase = Phase.AWAITING_UPGRADE;
        }
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        final ByteBuf buf = (ByteBuf) msg; // ours from here: released below or handed to the framing
        if (phase == Phase.CLOSED || failure != null || !buf.isReadable()) {
            buf.release();
            return;
        }
        framing.readAt(settings.nanoClock.getAsLong());
        if (phase == Phase.AWAITING_UPGRADE && !readUpgradeResponse(buf)) {
            buf.release();
            return;
        }
        framing.onRead(buf);
    }

    /**
     * Takes the response head from {@code buf}; true once the 101 is complete, with {@code buf} past the head (what
     * follows is frames), false while the head is incomplete or after a failure (all of {@code buf} is used).
     */
    private boolean readUpgradeResponse(final ByteBuf buf) {
        final DirectBuffer bytes = view.of(buf);
        final int taken;
        try {
            taken = upgrade.onResponse(bytes, 0, buf.readableBytes());
        } catch (final DerpConnectionException e) {
            fail(e);
            return false;
        }
        if (!upgrade.isUpgraded()) {
            return false;
        }
        framing.startFrames(false);
        phase = Phase.AWAITING_SERVER_KEY;
        buf.skipBytes(taken);
        return true;
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx) {
        final boolean writable = ctx.channel().isWritable();
        deadlines.writable(writable);
        if (writable) {
            drain.run();
        }
        ctx.fireChannelWritabilityChanged();
    }

    /** Connection's deadline tick, on this loop. */
    void checkDeadlines(final long nowNs) {
        if (ctx == null || phase == Phase.CLOSED) { // null: the dial won, the handler is not on the pipeline yet
            return;
        }
        final DerpConnectionException passed = deadlines.check(nowNs, phase == Phase.CONNECTED,
            framing.isPaused(), framing.lastReadNs(), framing.lastFrameNs(), ctx.channel());
        if (passed != null) {
            fail(passed);
        }
    }

    /** The handshake's progress. */
    void phase(final Phase next) {
        phase = next;
    }

    /** Tests: when bytes last arrived, on the settings' clock (read on this loop). */
    long lastReadNs() {
        return framing == null ? Long.MIN_VALUE : framing.lastReadNs();
    }

    boolean isConnected() {
        return phase == Phase.CONNECTED;
    }

    boolean isClosed() {
        return phase == Phase.CLOSED;
    }

    boolean hasFailed() {
        return failure != null;
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
        } else if (cause instanceof DerpConnectionException) {
            fail(cause); // already says which rule failed (WebSocket upgrade or frames)
        } else {
            fail(new DerpConnectionException(DerpConnectionException.Failure.IO_ERROR,
                "I/O error on the connection to " + connection.describeNode() + ": " + rootMessage(cause), cause));
        }
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) {
        if (failure == null) {
            framing.onEndOfStream(); // inside a frame: the reader's onError records TRUNCATED_* as the failure
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
        framing.releaseHeld();
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
