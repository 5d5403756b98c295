package io.derpring.internal.disco;

import static io.derpring.internal.disco.DiscoMessageFlyweight.BODY_OFFSET;
import static io.derpring.internal.disco.DiscoMessageFlyweight.MESSAGE_HEADER_LEN;

import io.derpring.keys.NodeKey;
import io.derpring.keys.PublicKey;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Disco Ping payload (type 0x01, SPEC §4.2, {@code disco.go Ping}).
 * <pre>
 *  0      1         2                    14                                46
 *  +------+---------+--------------------+----------------------------------+------------------
 *  | 0x01 | version | TxID (12)          | NodeKey (32), optional           | zero padding ...
 *  +------+---------+--------------------+----------------------------------+------------------
 * </pre>
 * Parse rule: a body under 12 bytes is errShort; when at least 32 bytes follow the TxID, the next 32 are the
 * sender's node key (pre-1.16 clients send none); whatever is left is padding (used to probe path MTU).
 * Offsets are relative to the start of the payload (the type byte). Not thread-safe; reuse one per thread.
 */
public final class PingFlyweight extends TxIdMessageView {
    public static final int TX_ID_OFFSET = BODY_OFFSET;
    /** disco.go Ping.TxID: 12 random bytes chosen by the pinger, echoed in the Pong. */
    public static final int TX_ID_LENGTH = TXID_LENGTH;
    public static final int NODE_KEY_OFFSET = TX_ID_OFFSET + TX_ID_LENGTH;
    /** key.NodePublicRawLen. */
    public static final int NODE_KEY_LENGTH = 32;
    /** disco.go parsePing: {@code len(p) < 12} is errShort. */
    public static final int MIN_BODY_LENGTH = TX_ID_LENGTH;
    /** disco.go PingLen: TxID and NodeKey, without the message header or padding. */
    public static final int PING_LEN = TX_ID_LENGTH + NODE_KEY_LENGTH;
    /** The shortest Ping payload: header and TxID. */
    public static final int MIN_LENGTH = MESSAGE_HEADER_LEN + MIN_BODY_LENGTH;

    /**
     * Aims this view at a Ping payload (type byte at {@code offset}, not checked: the caller dispatched on it).
     * Returns {@link DiscoOpenResult#OK_PING} or {@link DiscoOpenResult#TOO_SHORT}; accessors are valid only
     * after OK.
     */
    public DiscoOpenResult wrap(final DirectBuffer buffer, final int offset, final int length) {
        aim(buffer, offset, length);
        return length < MIN_LENGTH ? DiscoOpenResult.TOO_SHORT : DiscoOpenResult.OK_PING;
    }

    /** True when at least 32 bytes follow the TxID: disco.go then reads them as the node key. */
    public boolean hasNodeKey() {
        return bodyLength() >= PING_LEN;
    }

    /** Absolute offset of the node key; meaningful only when {@link #hasNodeKey()}. */
    public int nodeKeyOffset() {
        return offset + NODE_KEY_OFFSET;
    }

    /** True when the Ping carries a node key equal to {@code key}; allocation-free. */
    public boolean nodeKeyMatches(final PublicKey key) {
        return hasNodeKey() && key.matches(buffer, offset + NODE_KEY_OFFSET);
    }

    /** Copies the 32 node-key bytes into {@code dst[dstOffset..]}; call only when {@link #hasNodeKey()}. */
    public void copyNodeKey(final byte[] dst, final int dstOffset) {
        buffer.getBytes(offset + NODE_KEY_OFFSET, dst, dstOffset, NODE_KEY_LENGTH);
    }

    /** disco.go Ping.Padding: the bytes after TxID and (if present) NodeKey. */
    public int paddingLength() {
        return bodyLength() - (hasNodeKey() ? PING_LEN : MIN_BODY_LENGTH);
    }

    /** Payload length of a Ping with or without a node key and {@code paddingLength} zero bytes. */
    public static int encodedLength(final boolean withNodeKey, final int paddingLength) {
        return MESSAGE_HEADER_LEN + (withNodeKey ? PING_LEN : MIN_BODY_LENGTH) + paddingLength;
    }

    /**
     * Writes a version-0 Ping at {@code dst[offset..]} and returns its length; allocation-free.
     * A {@code null} or all-zero node key is left out, as disco.go does for a zero {@code NodeKey}.
     * Note (as in Go): without a node key, 32 or more padding bytes read back as an all-zero node key.
     *
     * @throws IllegalArgumentException if {@code paddingLength < 0}, the payload would exceed
     *                                  {@link DiscoMessageFlyweight#MAX_PAYLOAD_LENGTH}, or {@code dst} is too small
     */
    public static int encode(final MutableDirectBuffer dst, final int offset, final DirectBuffer txId,
        final int txIdOffset, final NodeKey nodeKey, final int paddingLength) {
        if (paddingLength < 0 || paddingLength > DiscoMessageFlyweight.MAX_PAYLOAD_LENGTH) {
            throw new IllegalArgumentException("ping padding must be 0.."
                + DiscoMessageFlyweight.MAX_PAYLOAD_LENGTH + ", got " + paddingLength);
        }
        final boolean withKey = nodeKey != null && !nodeKey.isZeroKey();
        final int length = encodedLength(withKey, paddingLength);
        DiscoMessageFlyweight.checkCapacity(dst, offset, length);
        DiscoMessageFlyweight.putHeader(dst, offset, DiscoMessageType.PING);
        dst.putBytes(offset + TX_ID_OFFSET, txId, txIdOffset, TX_ID_LENGTH);
        int at = offset + NODE_KEY_OFFSET;
        if (withKey) {
            nodeKey.writeTo(dst, at);
            at += NODE_KEY_LENGTH;
        }
        dst.setMemory(at, paddingLength, (byte) 0);
        return length;
    }
}
