package io.derpring.internal.disco;

import static io.derpring.internal.disco.DiscoMessageFlyweight.BODY_OFFSET;
import static io.derpring.internal.disco.DiscoMessageFlyweight.MESSAGE_HEADER_LEN;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * What Ping and Pong views share: both bodies start with the 12-byte TxID that pairs a Pong with its Ping
 * (SPEC §4.2). Holds the wrapped payload; subclasses add their own fields.
 */
abstract class TxIdMessageView {
    /** disco.go: a transaction id is 12 random bytes. */
    static final int TXID_OFFSET = BODY_OFFSET;
    static final int TXID_LENGTH = 12;

    DirectBuffer buffer;
    int offset;
    int length;

    final void aim(final DirectBuffer buffer, final int offset, final int length) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
    }

    public final int version() {
        return DiscoMessageFlyweight.version(buffer, offset);
    }

    /** Bytes after type and version, including any ignored tail. */
    public final int bodyLength() {
        return length - MESSAGE_HEADER_LEN;
    }

    /** Absolute offset of the TxID in the wrapped buffer. */
    public final int txIdOffset() {
        return offset + TXID_OFFSET;
    }

    /** Copies the 12 TxID bytes into {@code dst[dstOffset..]}. */
    public final void copyTxId(final byte[] dst, final int dstOffset) {
        buffer.getBytes(offset + TXID_OFFSET, dst, dstOffset, TXID_LENGTH);
    }

    /** Copies the 12 TxID bytes into {@code dst[dstOffset..]}, e.g. straight into the answering Pong. */
    public final void copyTxId(final MutableDirectBuffer dst, final int dstOffset) {
        dst.putBytes(dstOffset, buffer, offset + TXID_OFFSET, TXID_LENGTH);
    }
}
