package io.derpring.internal.disco;

import static java.nio.ByteOrder.BIG_ENDIAN;

import io.derpring.internal.crypto.NaclBox;
import io.derpring.internal.frame.FrameLimits;
import io.derpring.keys.PublicKey;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The clear-text header of a sealed disco packet (SPEC §4.1, {@code disco/disco.go}).
 * <pre>
 *   0                   6                                  38                       62
 *  +-------------------+-----------------------------------+------------------------+------------------------
 *  | magic "TS💬" (6)  | sender disco public key (32)      | nonce (24)             | box = tag(16) || ct ...
 *  +-------------------+-----------------------------------+------------------------+------------------------
 * </pre>
 * The recipient opens the box with its own disco private key and the sender key <em>from this header</em>;
 * nothing else in the header is authenticated until the box opens.
 */
public final class DiscoHeaderFlyweight {
    /** disco.go Magic: "TS💬" = 54 53 f0 9f 92 ac. */
    public static final int MAGIC_OFFSET = 0;
    public static final int MAGIC_LENGTH = 6;
    /** disco.go keyLen: a raw Curve25519 disco public key. */
    public static final int SENDER_KEY_OFFSET = MAGIC_OFFSET + MAGIC_LENGTH;
    public static final int SENDER_KEY_LENGTH = 32;
    /** disco.go NonceLen: the XSalsa20 nonce of the box. */
    public static final int NONCE_OFFSET = SENDER_KEY_OFFSET + SENDER_KEY_LENGTH;
    public static final int NONCE_LENGTH = NaclBox.NONCE_LENGTH;
    /** Where the box (tag || ciphertext) starts. */
    public static final int BOX_OFFSET = NONCE_OFFSET + NONCE_LENGTH;
    /** 62: disco.go LooksLikeDiscoWrapper minimum, {@code len(Magic) + keyLen + NonceLen}. */
    public static final int HEADER_LENGTH = BOX_OFFSET;
    /** NaCl box overhead: the Poly1305 tag in front of the ciphertext (SPEC §2.1). */
    public static final int TAG_LENGTH = NaclBox.TAG_LENGTH;
    /** Offset of the plaintext payload when a packet is sealed or opened in place (box at 62, plaintext at 78). */
    public static final int PAYLOAD_IN_PLACE_OFFSET = BOX_OFFSET + TAG_LENGTH;
    /** 80: the smallest packet whose box can hold a message (type + version, SPEC §4.2). */
    public static final int MIN_SEALED_LENGTH = PAYLOAD_IN_PLACE_OFFSET + DiscoMessageFlyweight.MESSAGE_HEADER_LEN;
    /**
     * 65 536: the largest packet a DERP SendPacket/RecvPacket carries (derp.go MaxPacketSize, SPEC §1.1, B15).
     * derpring handles disco only over DERP, so nothing longer is ever opened or sealed.
     */
    public static final int MAX_SEALED_LENGTH = FrameLimits.MAX_PACKET_SIZE;

    /** The magic read as one big-endian int (bytes 0..3) and one short (bytes 4..5): two loads, no loop. */
    private static final int MAGIC_HEAD = 0x5453_f09f;
    private static final short MAGIC_TAIL = (short) 0x92ac;

    private DirectBuffer buffer;
    private int offset;
    private int length;

    /**
     * SPEC §4.1 / B39: true iff {@code length >= 62} and the first 6 bytes are the magic. No box check, exactly as
     * Go's {@code LooksLikeDiscoWrapper}. A range that does not lie inside the buffer is not disco (never throws).
     */
    public static boolean looksLikeDisco(final DirectBuffer buffer, final int offset, final int length) {
        return length >= HEADER_LENGTH
            && offset >= 0
            && offset <= buffer.capacity() - length
            && buffer.getInt(offset + MAGIC_OFFSET, BIG_ENDIAN) == MAGIC_HEAD
            && buffer.getShort(offset + MAGIC_OFFSET + 4, BIG_ENDIAN) == MAGIC_TAIL;
    }

    /** Writes the 6 magic bytes at {@code offset}. */
    public static void putMagic(final MutableDirectBuffer buffer, final int offset) {
        buffer.putInt(offset + MAGIC_OFFSET, MAGIC_HEAD, BIG_ENDIAN);
        buffer.putShort(offset + MAGIC_OFFSET + 4, MAGIC_TAIL, BIG_ENDIAN);
    }

    /**
     * Aims this view at a packet. Call only after {@link #looksLikeDisco} said yes: the accessors assume the
     * 62 header bytes are there.
     */
    public DiscoHeaderFlyweight wrap(final DirectBuffer buffer, final int offset, final int length) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /** True when the header's sender key is {@code key}; allocation-free. */
    public boolean senderKeyMatches(final PublicKey key) {
        return key.matches(buffer, offset + SENDER_KEY_OFFSET);
    }

    /** Copies the 32 sender-key bytes into {@code dst[dstOffset..]}. */
    public void copySenderKey(final byte[] dst, final int dstOffset) {
        buffer.getBytes(offset + SENDER_KEY_OFFSET, dst, dstOffset, SENDER_KEY_LENGTH);
    }

    /** Absolute offset of the sender key in the wrapped buffer, for zero-copy lookups. */
    public int senderKeyOffset() {
        return offset + SENDER_KEY_OFFSET;
    }

    /** Absolute offset of the nonce in the wrapped buffer. */
    public int nonceOffset() {
        return offset + NONCE_OFFSET;
    }

    /** Absolute offset of the box (tag || ciphertext) in the wrapped buffer. */
    public int boxOffset() {
        return offset + BOX_OFFSET;
    }

    /** Bytes of box after the header: {@code length - 62}. */
    public int boxLength() {
        return length - BOX_OFFSET;
    }

    public DirectBuffer buffer() {
        return buffer;
    }
}
