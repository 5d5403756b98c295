package io.derpring.jmh.pipeline;

import org.agrona.DirectBuffer;

/**
 * What every consumer in the pipeline comparisons does with a packet: read all of its bytes (as the dataplane's
 * copy into WireGuard would), so no variant wins by not touching the data.
 */
final class PacketReader {
    private PacketReader() {
    }

    static long read(final DirectBuffer buffer, final int offset, final int length) {
        long acc = 0;
        int i = 0;
        for (; i + Long.BYTES <= length; i += Long.BYTES) {
            acc ^= buffer.getLong(offset + i);
        }
        for (; i < length; i++) {
            acc ^= buffer.getByte(offset + i);
        }
        return acc;
    }

    static long read(final byte[] bytes, final int length) {
        long acc = 0;
        for (int i = 0; i < length; i++) {
            acc ^= bytes[i];
        }
        return acc;
    }
}
