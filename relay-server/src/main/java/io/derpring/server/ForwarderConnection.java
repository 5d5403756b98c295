package io.derpring.server;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * One client connection of the {@link TcpForwarder}: reads the hello, then forwards every whole length-prefixed
 * packet, unchanged, to the peer connection. Each source has one destination, so the whole run of complete packets a
 * read produced goes out as one retained slice of the read buffer (no copy), one write and flush per read.
 *
 * <p>Flow control from writability, the honest best case: when the destination is above its high-water mark after a
 * write, reading this source stops; the destination's {@code channelWritabilityChanged} resumes every source that
 * writes to it. The pause re-checks writability after stopping, so a destination that drained in between cannot
 * leave its source stopped. Nothing is ever dropped.
 *
 * <p>Bad input closes the connection with one counted reason ({@link ForwarderCounter}): a wrong hello, a taken id,
 * no hello in time, a length out of range.
 */
final class ForwarderConnection extends ChannelInboundHandlerAdapter {
    private final TcpForwarder forwarder;
    private Channel channel;
    private ByteBuf pending;
    private ScheduledFuture<?> helloDeadline;
    /** Counted in the forwarder's open connections (and so to be uncounted on close). */
    private boolean admitted;
    private final AtomicBoolean closing = new AtomicBoolean();
    /** -1 until the hello; written once on this connection's loop, read by the registry under its lock. */
    volatile int ownId = -1;
    volatile int peerId = -1;
    /** Where this connection's packets go; null until the peer's hello (then this connection is not reading). */
    volatile ForwarderConnection peer;
    /** Connections whose packets come here: resumed when this one becomes writable again. */
    final CopyOnWriteArrayList<ForwarderConnection> sources = new CopyOnWriteArrayList<>();

    ForwarderConnection(final TcpForwarder forwarder) {
        this.forwarder = forwarder;
    }

    Channel channel() {
        return channel;
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) {
        channel = ctx.channel();
        forwarder.counters().increment(ForwarderCounter.CONNECTIONS_ACCEPTED);
        if (!forwarder.admit()) {
            close(ForwarderCounter.CLOSED_TOO_MANY_CONNECTIONS);
            return;
        }
        admitted = true;
        helloDeadline = ctx.executor().schedule(() -> {
            if (ownId < 0) {
                close(ForwarderCounter.CLOSED_HELLO_TIMEOUT);
            }
        }, forwarder.helloTimeoutNs(), TimeUnit.NANOSECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) {
        if (helloDeadline != null) {
            helloDeadline.cancel(false);
        }
        if (pending != null) {
            pending.release();
            pending = null;
        }
        if (admitted) {
            admitted = false;
            forwarder.closed(this);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        final ByteBuf in = (ByteBuf) msg;
        if (!channel.isOpen()) {
            in.release();
            return;
        }
        pending = pending == null ? in : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), pending, in);
        if (ownId < 0) {
            if (pending.readableBytes() < ForwarderProtocol.HELLO_LENGTH) {
                return;
            }
            final int magic = pending.readInt();
            final int own = pending.readInt();
            final int theirs = pending.readInt();
            if (magic != ForwarderProtocol.MAGIC || own < 0 || theirs < 0 || own == theirs) {
                close(ForwarderCounter.CLOSED_BAD_HELLO);
                return;
            }
            helloDeadline.cancel(false);
            if (!forwarder.register(this, own, theirs)) {
                close(ForwarderCounter.CLOSED_DUPLICATE_ID);
                return;
            }
        }
        forwardPending();
    }

    /**
     * Sends every whole packet buffered to the peer as one slice; on the event loop. Without a peer yet the bytes
     * wait and reading stops until the peer's hello: what waits is at most what the read pass in progress had
     * already read.
     */
    void forwardPending() {
        if (pending == null || !channel.isOpen()) {
            return;
        }
        final ForwarderConnection to = peer;
        if (to == null) {
            channel.config().setAutoRead(false); // the peer's hello resumes it
            return;
        }
        final int start = pending.readerIndex();
        final int end = pending.writerIndex();
        int at = start;
        int packets = 0;
        while (end - at >= ForwarderProtocol.PREFIX_LENGTH) {
            final int length = pending.getInt(at);
            if (length < 1 || length > ForwarderProtocol.MAX_PACKET_LENGTH) {
                close(ForwarderCounter.CLOSED_BAD_LENGTH);
                return;
            }
            if (end - at - ForwarderProtocol.PREFIX_LENGTH < length) {
                break; // the rest of this packet is still on its way
            }
            at += ForwarderProtocol.PREFIX_LENGTH + length;
            packets++;
        }
        if (packets > 0) {
            final ByteBuf run = pending.retainedSlice(start, at - start);
            pending.readerIndex(at);
            forwarder.counters().add(ForwarderCounter.PACKETS_FORWARDED, packets);
            forwarder.counters().add(ForwarderCounter.BYTES_FORWARDED, at - start);
            to.channel.writeAndFlush(run, to.channel.voidPromise());
            if (!to.channel.isWritable()) {
                pause(to);
            }
        }
        if (!pending.isReadable()) {
            pending.release();
            pending = null;
        }
    }

    private void pause(final ForwarderConnection to) {
        channel.config().setAutoRead(false);
        forwarder.counters().increment(ForwarderCounter.READ_PAUSES);
        if (to.channel.isWritable()) {
            channel.config().setAutoRead(true); // it drained between the write and the pause
        }
    }

    /** Linked to its peer (either hello may come first): resume reading and send what waited. Any thread. */
    void linked(final ForwarderConnection to) {
        peer = to;
        to.sources.add(this);
        channel.eventLoop().execute(() -> {
            forwardPending();
            if (channel.isOpen() && peer != null && peer.channel.isWritable()) {
                channel.config().setAutoRead(true);
            }
        });
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx) {
        if (channel.isWritable()) {
            for (final ForwarderConnection source : sources) {
                if (source.peer == this && !source.channel.config().isAutoRead()) {
                    source.channel.config().setAutoRead(true);
                }
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        close(ForwarderCounter.CLOSED_ERROR);
    }

    /** Closes with a counted reason, counted once however many threads close it; any thread. */
    void close(final ForwarderCounter reason) {
        if (closing.compareAndSet(false, true) && channel.isOpen()) {
            forwarder.counters().increment(reason);
            channel.close();
        }
    }
}
