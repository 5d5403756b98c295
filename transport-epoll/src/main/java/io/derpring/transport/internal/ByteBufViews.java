package io.derpring.transport.internal;

import io.netty.buffer.ByteBuf;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The ByteBuf to Agrona edge: re-aims one long-lived {@link UnsafeBuffer} at a {@link ByteBuf}'s memory, so engine
 * code (flyweights, the frame reader, the ring) reads and writes Netty's bytes in place, without a copy and without
 * allocating. A direct buffer is viewed through {@code memoryAddress()}, a heap buffer through its array. A buffer
 * with neither (a composite) can't be viewed; the caller copies it.
 *
 * <p>A view is valid only while the caller owns the ByteBuf and its indexes don't move: never keep one past the
 * callback that lent the ByteBuf, nor past {@code release()}.
 */
public final class ByteBufViews {
    private ByteBufViews() {
    }

    /** Points {@code view} at {@code buf}'s readable bytes; false if {@code buf} has no flat memory to view. */
    public static boolean wrapReadable(final UnsafeBuffer view, final ByteBuf buf) {
        return wrap(view, buf, buf.readerIndex(), buf.readableBytes());
    }

    /** Points {@code view} at {@code buf}'s writable bytes (up to its capacity); false if it can't be viewed. */
    public static boolean wrapWritable(final UnsafeBuffer view, final ByteBuf buf) {
        return wrap(view, buf, buf.writerIndex(), buf.capacity() - buf.writerIndex());
    }

    private static boolean wrap(final UnsafeBuffer view, final ByteBuf buf, final int index, final int length) {
        if (buf.hasMemoryAddress()) {
            view.wrap(buf.memoryAddress() + index, length);
            return true;
        }
        if (buf.hasArray()) {
            view.wrap(buf.array(), buf.arrayOffset() + index, length);
            return true;
        }
        return false;
    }
}
