package io.derpring.loadgen.fault;

import io.derpring.internal.frame.FrameHeaderFlyweight;
import io.netty.buffer.ByteBuf;

/**
 * Follows one direction of a proxied DERP connection without changing a byte: skips the HTTP head (request or 101
 * answer, up to its blank line), then walks the frames (a type byte and a big-endian length, SPEC §1.1) and counts
 * the packet frames of one type that complete. Chunks are fed in stream order; nothing is copied.
 */
final class FrameCounter {
    private static final int HEADER_LENGTH = FrameHeaderFlyweight.HEADER_LENGTH;
    /** {@code \r\n\r\n}: the HTTP head ends, frames begin. */
    private static final int HEAD_END_LENGTH = 4;

    private final int packetType;
    /** How many bytes of {@code \r\n\r\n} the head has matched so far. */
    private int headEndMatched;
    private boolean inFrames;
    /** Header bytes of the current frame seen so far (0 at a frame boundary). */
    private int headerSeen;
    private int type;
    private long length;
    private long payloadLeft;

    /** @param packetType the frame type to count: SendPacket client to relay, RecvPacket relay to client */
    FrameCounter(final int packetType) {
        this.packetType = packetType;
    }

    /** Walks {@code chunk}'s readable bytes (indexes untouched); returns the packet frames that completed in it. */
    int feed(final ByteBuf chunk) {
        int completed = 0;
        int i = chunk.readerIndex();
        final int end = chunk.writerIndex();
        while (i < end) {
            if (!inFrames) {
                final byte b = chunk.getByte(i++);
                headEndMatched = b == (headEndMatched % 2 == 0 ? '\r' : '\n') ? headEndMatched + 1
                    : b == '\r' ? 1 : 0;
                inFrames = headEndMatched == HEAD_END_LENGTH;
            } else if (headerSeen < HEADER_LENGTH) {
                final int b = chunk.getByte(i++) & 0xFF;
                if (headerSeen == 0) {
                    type = b;
                    length = 0;
                } else {
                    length = length << 8 | b;
                }
                if (++headerSeen == HEADER_LENGTH) {
                    payloadLeft = length;
                    completed += endFrameIfDone();
                }
            } else {
                final int step = (int) Math.min(payloadLeft, end - i);
                i += step;
                payloadLeft -= step;
                completed += endFrameIfDone();
            }
        }
        return completed;
    }

    private int endFrameIfDone() {
        if (payloadLeft > 0) {
            return 0;
        }
        headerSeen = 0;
        return type == packetType ? 1 : 0;
    }

    /**
     * How many leading bytes of {@code chunk} to pass on so that the stream stops inside a frame: 0 when it is inside
     * one already, else a cut through the middle of the first frame that starts in the chunk. -1 when no cut is
     * possible in this chunk (still in the HTTP head, or nothing readable).
     */
    int midFrameCut(final ByteBuf chunk) {
        if (!inFrames || chunk.readableBytes() == 0) {
            return -1;
        }
        if (headerSeen > 0) {
            return 0;
        }
        final int readable = chunk.readableBytes();
        if (readable < HEADER_LENGTH) {
            return readable; // part of a header
        }
        final long frameLength = chunk.getUnsignedInt(chunk.readerIndex() + FrameHeaderFlyweight.LENGTH_OFFSET);
        if (frameLength == 0) {
            return 1; // an empty frame is cut inside its header
        }
        return (int) (HEADER_LENGTH + Math.min(frameLength / 2, readable - HEADER_LENGTH));
    }

    /** True when the stream stopped inside a packet frame: a frame the far end started and never finished sending. */
    boolean insidePacketFrame() {
        return inFrames && headerSeen > 0 && type == packetType;
    }
}
