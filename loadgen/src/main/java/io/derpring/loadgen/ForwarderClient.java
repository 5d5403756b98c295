package io.derpring.loadgen;

import java.nio.ByteOrder;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import io.derpring.internal.metrics.Counters;
import io.derpring.internal.queue.OutboundQueue;
import io.derpring.server.ForwarderProtocol;
import io.derpring.transport.internal.ByteBufViews;
import io.derpring.transport.internal.client.ClientCounter;
import io.derpring.transport.internal.client.DerpClientSettings;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One connection to the TCP forwarder, the baseline's counterpart of a raw DERP client: the same bounded outbound
 * queue ({@link DerpClientSettings#DEFAULT_OUTBOUND_QUEUE_DEPTH} packets, refuse-newest = back-pressure to the
 * sender) and the same drain (length prefix + payload batched into pooled direct buffers of
 * {@link #BATCH_CAPACITY} while the channel is writable, one flush per pass), and inbound packets viewed in place
 * and handed to its own {@link TrafficSink} (one per connection, so each sink keeps to one thread). Nothing is
 * allocated per packet: queue slots are pre-allocated, batches are pooled, the read view is re-aimed.
 */
final class ForwarderClient extends ChannelInboundHandlerAdapter implements Runnable {
    /** As the DERP client's drain ({@code OutboundDrain}), so both sides batch alike. */
    static final int BATCH_CAPACITY = 16 * 1024;
    /** The region id the baseline's sinks see: one forwarder, one "region". */
    static final int REGION = 1;

    private final int ownId;
    private final int peerId;
    private final TrafficSink sink;
    private final Counters<ClientCounter> counters;
    private final OutboundQueue queue;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final UnsafeBuffer batchView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer readView = new UnsafeBuffer(0, 0);
    private final CompletableFuture<Void> connected = new CompletableFuture<>();
    private volatile ChannelHandlerContext ctx;
    private ByteBuf batch;
    private ByteBuf pending;

    ForwarderClient(final int ownId, final int peerId, final int sizeBytes, final TrafficSink sink,
                    final Counters<ClientCounter> counters) {
        this.ownId = ownId;
        this.peerId = peerId;
        this.sink = sink;
        this.counters = counters;
        this.queue = new OutboundQueue(DerpClientSettings.DEFAULT_OUTBOUND_QUEUE_DEPTH,
            Math.max(sizeBytes, PayloadFlyweight.ACK_LENGTH), OutboundQueue.Overflow.REFUSE_NEWEST);
    }

    CompletableFuture<Void> connected() {
        return connected;
    }

    boolean isConnected() {
        final ChannelHandlerContext c = ctx;
        return c != null && c.channel().isActive();
    }

    int queued() {
        return queue.size();
    }

    /** Any thread: false when the queue is full (nothing taken). */
    boolean offer(final DirectBuffer packet, final int length) {
        if (queue.offer(null, packet, 0, length) == OutboundQueue.REFUSED) {
            return false;
        }
        if (scheduled.compareAndSet(false, true)) {
            final ChannelHandlerContext c = ctx;
            if (c != null) {
                c.executor().execute(this);
            } else {
                scheduled.set(false); // channelActive drains what waits
            }
        }
        return true;
    }

    @Override
    public void channelActive(final ChannelHandlerContext c) {
        ctx = c;
        batch = c.alloc().directBuffer(BATCH_CAPACITY);
        batch.writeInt(ForwarderProtocol.MAGIC).writeInt(ownId).writeInt(peerId);
        c.writeAndFlush(batch, c.voidPromise());
        batch = null;
        counters.increment(ClientCounter.CONNECTS);
        connected.complete(null);
        run();
        c.fireChannelActive();
    }

    @Override
    public void channelInactive(final ChannelHandlerContext c) {
        counters.increment(ClientCounter.DISCONNECTS);
        if (pending != null) {
            pending.release();
            pending = null;
        }
        if (batch != null) {
            batch.release();
            batch = null;
        }
        counters.add(ClientCounter.DROPPED_UNSENT_AT_CLOSE, queue.clear());
        connected.completeExceptionally(new IllegalStateException("forwarder connection closed"));
        c.fireChannelInactive();
    }

    /** The drain pass, on the event loop: queued packets into batches while writable, then one flush. */
    @Override
    public void run() {
        scheduled.set(false);
        final ChannelHandlerContext c = ctx;
        if (c == null || !c.channel().isActive()) {
            return;
        }
        int packets = 0;
        int bytes = 0;
        OutboundQueue.Slot slot;
        while (c.channel().isWritable() && (slot = queue.poll()) != null) {
            try {
                final int frame = ForwarderProtocol.PREFIX_LENGTH + slot.length();
                reserve(c, frame);
                batchView.putInt(0, slot.length(), ByteOrder.BIG_ENDIAN);
                batchView.putBytes(ForwarderProtocol.PREFIX_LENGTH, slot.bytes(), 0, slot.length());
                batch.writerIndex(batch.writerIndex() + frame);
                bytes += frame;
                packets++;
            } finally {
                queue.release(slot);
            }
        }
        if (batch != null) {
            c.write(batch, c.voidPromise());
            batch = null;
        }
        if (packets > 0) {
            c.flush();
            counters.add(ClientCounter.PACKETS_SENT, packets);
            counters.add(ClientCounter.BYTES_SENT, bytes);
        }
    }

    private void reserve(final ChannelHandlerContext c, final int length) {
        if (batch != null && batch.writableBytes() < length) {
            c.write(batch, c.voidPromise());
            batch = null;
        }
        if (batch == null) {
            batch = c.alloc().directBuffer(Math.max(BATCH_CAPACITY, length));
        }
        if (!ByteBufViews.wrapWritable(batchView, batch)) {
            throw new IllegalStateException("allocator gave a buffer without flat memory: " + batch);
        }
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext c) {
        if (c.channel().isWritable() && !queue.isEmpty() && scheduled.compareAndSet(false, true)) {
            run();
        }
        c.fireChannelWritabilityChanged();
    }

    /** Every whole packet read goes to the sink in place; a partial one waits for the rest. */
    @Override
    public void channelRead(final ChannelHandlerContext c, final Object msg) {
        final ByteBuf in = (ByteBuf) msg;
        pending = pending == null ? in : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(c.alloc(), pending, in);
        final int start = pending.readerIndex();
        final int end = pending.writerIndex();
        if (!ByteBufViews.wrapReadable(readView, pending)) {
            throw new IllegalStateException("a read buffer without flat memory: " + pending);
        }
        int at = start;
        int packets = 0;
        while (end - at >= ForwarderProtocol.PREFIX_LENGTH) {
            final int length = pending.getInt(at);
            if (length < 1 || length > ForwarderProtocol.MAX_PACKET_LENGTH) {
                counters.increment(ClientCounter.FRAMES_DROPPED_BAD_LENGTH);
                c.close();
                return;
            }
            if (end - at - ForwarderProtocol.PREFIX_LENGTH < length) {
                break;
            }
            sink.onPacket(null, REGION, readView, at - start + ForwarderProtocol.PREFIX_LENGTH, length);
            at += ForwarderProtocol.PREFIX_LENGTH + length;
            packets++;
        }
        pending.readerIndex(at);
        counters.add(ClientCounter.PACKETS_RECEIVED, packets);
        if (!pending.isReadable()) {
            pending.release();
            pending = null;
        }
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext c) {
        sink.onEndOfBatch();
        c.fireChannelReadComplete();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext c, final Throwable cause) {
        c.close();
    }
}
