package io.derpring.server;

import io.derpring.internal.relay.ClientSink;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import org.agrona.DirectBuffer;
import org.agrona.collections.LongArrayQueue;

/**
 * The writing half every relay-side connection shares (a client's {@link DerpConnectionHandler}, a mesh peer's
 * {@link MeshLinkHandler}): frames go out on the channel, and each frame's end offset is remembered so the relay's
 * write deadline can restart only when a whole frame has left (derper sets its deadline per frame), compared with
 * Netty's pending bytes, with no allocation per frame.
 */
abstract class FrameSinkHandler extends ChannelInboundHandlerAdapter implements ClientSink<ByteBuf> {
    /** Frame ends kept for the write deadline; grows (once) with the deepest backlog seen. */
    private static final int UNSENT_FRAMES_INITIAL_CAPACITY = 16;

    private final LongArrayQueue unsentFrameEnds = new LongArrayQueue(UNSENT_FRAMES_INITIAL_CAPACITY, -1);
    private long bytesWritten;
    private long framesSent;
    /** Set when the handler is added or becomes active; the engine only writes after that. */
    protected ChannelHandlerContext ctx;

    /** Bytes a frame of {@code length} takes on the wire: the frame itself unless a transport frames it again. */
    protected int wireLength(final int length) {
        return length;
    }

    // ---- ClientSink: called by the engine on this channel's loop ----

    @Override
    public boolean isWritable() {
        return ctx.channel().isWritable();
    }

    @Override
    public void writePacket(final ByteBuf frame, final int length) {
        noteWritten(frame.readableBytes());
        ctx.write(frame, ctx.voidPromise());
    }

    @Override
    public void writeControl(final DirectBuffer src, final int offset, final int length) {
        final ByteBuf out = ctx.alloc().directBuffer(length, length);
        final byte[] array = src.byteArray();
        if (array != null) {
            out.writeBytes(array, src.wrapAdjustment() + offset, length);
        } else {
            for (int i = 0; i < length; i++) {
                out.writeByte(src.getByte(offset + i));
            }
        }
        noteWritten(length);
        ctx.write(out, ctx.voidPromise());
    }

    @Override
    public void flush() {
        ctx.flush();
    }

    @Override
    public long framesSent() {
        final ChannelOutboundBuffer outbound = ctx.channel().unsafe().outboundBuffer();
        final long left = bytesWritten - (outbound == null ? 0 : outbound.totalPendingWriteBytes());
        while (!unsentFrameEnds.isEmpty() && unsentFrameEnds.peekLong() <= left) {
            unsentFrameEnds.pollLong();
            framesSent++;
        }
        return framesSent;
    }

    @Override
    public boolean hasUnsentFrames() {
        framesSent();
        return !unsentFrameEnds.isEmpty();
    }

    private void noteWritten(final int length) {
        bytesWritten += wireLength(length);
        unsentFrameEnds.offerLong(bytesWritten);
    }
}
