package io.derpring.transport.internal.client;

import io.derpring.internal.frame.FrameHeaderFlyweight;
import org.agrona.DirectBuffer;

/**
 * Finds where the current DERP frame ends in a stream of chunks, so the connection can hand the
 * {@link io.derpring.internal.frame.FrameReader} one frame at a time and stop between two frames when the inbound ring is
 * full: the bytes after the refused frame stay in the channel's buffer, untouched, until reading resumes. It reads
 * only the 5 header bytes of each frame (SPEC §1.2); all rules stay in the reader.
 */
final class FrameBoundary {
    private int headerFilled;
    private long payloadLength;
    private long payloadRemaining;

    /**
     * @return how many bytes from {@code src[pos]} belong to the current frame, up to {@code end}; when fewer than
     * {@code end - pos}, the frame ends there and the next byte starts a new frame
     */
    int bytesOfCurrentFrame(final DirectBuffer src, final int pos, final int end) {
        int p = pos;
        while (headerFilled < FrameHeaderFlyweight.HEADER_LENGTH && p < end) {
            if (headerFilled >= FrameHeaderFlyweight.LENGTH_OFFSET) {
                payloadLength = (payloadLength << 8) | (src.getByte(p) & 0xFF);
            }
            headerFilled++;
            p++;
            if (headerFilled == FrameHeaderFlyweight.HEADER_LENGTH) {
                payloadRemaining = payloadLength;
            }
        }
        if (headerFilled < FrameHeaderFlyweight.HEADER_LENGTH) {
            return p - pos;
        }
        final long take = Math.min(payloadRemaining, end - p);
        p += (int) take;
        payloadRemaining -= take;
        if (payloadRemaining == 0) {
            headerFilled = 0;
            payloadLength = 0;
        }
        return p - pos;
    }

    /** True when the last call ended exactly at a frame boundary. */
    boolean atBoundary() {
        return headerFilled == 0;
    }
}
