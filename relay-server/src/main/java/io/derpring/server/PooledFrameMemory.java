package io.derpring.server;

import io.derpring.internal.relay.FrameMemory;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Queued RecvPacket frames in Netty's pooled direct memory: the relay writes each frame once, straight into the
 * buffer that is later handed to {@code ctx.write} (which then owns and releases it). Pooled buffers may be freed on
 * another loop than the one that allocated them; the pool handles that.
 */
final class PooledFrameMemory implements FrameMemory<ByteBuf> {
    private final ByteBufAllocator allocator;

    PooledFrameMemory(final ByteBufAllocator allocator) {
        this.allocator = allocator;
    }

    @Override
    public ByteBuf allocate(final int length, final UnsafeBuffer view) {
        final ByteBuf frame;
        try {
            frame = allocator.directBuffer(length, length);
        } catch (final OutOfMemoryError e) {
            return null; // direct memory limit reached: the relay counts the drop as no_memory
        }
        frame.writerIndex(length);
        if (frame.hasMemoryAddress()) {
            view.wrap(frame.memoryAddress(), length);
        } else {
            view.wrap(frame.nioBuffer(0, length)); // no Unsafe: a view of the same memory
        }
        return frame;
    }

    @Override
    public void release(final ByteBuf frame) {
        frame.release();
    }
}
