package io.derpring.transport.internal.client;

import io.derpring.transport.internal.ByteBufViews;
import io.netty.buffer.ByteBuf;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One long-lived view of an inbound ByteBuf's readable bytes, re-aimed per read: in place when the buffer has flat
 * memory, else copied into a scratch array that grows once (a composite; never seen with the transports' own
 * buffers). Event loop only; a view is valid until the next {@link #of} or the buffer's release.
 */
final class ReadableView {
    private static final int MIN_SCRATCH_BYTES = 4096;

    private final UnsafeBuffer inPlace = new UnsafeBuffer(0, 0);
    private UnsafeBuffer copyScratch;

    /** {@code buf}'s readable bytes at index 0 of the returned buffer. */
    DirectBuffer of(final ByteBuf buf) {
        if (ByteBufViews.wrapReadable(inPlace, buf)) {
            return inPlace;
        }
        final int n = buf.readableBytes();
        if (copyScratch == null || copyScratch.capacity() < n) {
            copyScratch = new UnsafeBuffer(new byte[Math.max(n, MIN_SCRATCH_BYTES)]);
        }
        buf.getBytes(buf.readerIndex(), copyScratch.byteArray(), 0, n);
        return copyScratch;
    }
}
