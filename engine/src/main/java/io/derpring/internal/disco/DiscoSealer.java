package io.derpring.internal.disco;

import static io.derpring.internal.disco.DiscoHeaderFlyweight.BOX_OFFSET;
import static io.derpring.internal.disco.DiscoHeaderFlyweight.MAX_SEALED_LENGTH;
import static io.derpring.internal.disco.DiscoHeaderFlyweight.NONCE_LENGTH;
import static io.derpring.internal.disco.DiscoHeaderFlyweight.NONCE_OFFSET;
import static io.derpring.internal.disco.DiscoHeaderFlyweight.PAYLOAD_IN_PLACE_OFFSET;
import static io.derpring.internal.disco.DiscoHeaderFlyweight.SENDER_KEY_OFFSET;

import io.derpring.internal.crypto.BoxKey;
import io.derpring.internal.crypto.NaclBox;
import io.derpring.internal.crypto.Nonces;
import io.derpring.keys.DiscoKey;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Seals a disco payload into a packet: {@code magic || ourDiscoPub || nonce || box(payload)} (SPEC §4.1).
 * The {@link BoxKey} is precomputed for (our disco private key, the recipient's disco public key), typically from
 * {@link DiscoKeyCache#boxKeyFor(DiscoKey)}.
 *
 * <p>Zero-copy use: encode the payload straight at {@code dstOffset + PAYLOAD_IN_PLACE_OFFSET} (78) and seal
 * with {@code src == dst} there; the box is written 16 bytes before it. Allocation-free. Not thread-safe (it
 * owns a {@link NaclBox}): one per thread.
 */
public final class DiscoSealer {
    private final NaclBox box = new NaclBox();
    private final DiscoKey self;

    /** @param self our disco public key, written into every header */
    public DiscoSealer(final DiscoKey self) {
        this.self = self;
    }

    /** Packet length for a payload of {@code payloadLength} bytes: {@code 62 + 16 + payloadLength}. */
    public static int sealedLength(final int payloadLength) {
        return PAYLOAD_IN_PLACE_OFFSET + payloadLength;
    }

    /**
     * Seals with the given nonce (tests, vectors); returns the packet length. The nonce may already sit at
     * {@code dst[dstOffset + 38]}.
     *
     * @throws IllegalArgumentException if the packet would exceed {@link DiscoHeaderFlyweight#MAX_SEALED_LENGTH}
     *                                  or {@code dst} is too small
     */
    public int seal(final BoxKey key, final DirectBuffer nonce, final int nonceOffset,
        final DirectBuffer payload, final int payloadOffset, final int payloadLength,
        final MutableDirectBuffer dst, final int dstOffset) {
        checkRoom(dst, dstOffset, payloadLength);
        if (nonce != dst || nonceOffset != dstOffset + NONCE_OFFSET) {
            dst.putBytes(dstOffset + NONCE_OFFSET, nonce, nonceOffset, NONCE_LENGTH);
        }
        return sealWithNonceInPlace(key, payload, payloadOffset, payloadLength, dst, dstOffset);
    }

    /** Seals with a fresh random nonce (the normal send path); returns the packet length. */
    public int seal(final BoxKey key, final DirectBuffer payload, final int payloadOffset, final int payloadLength,
        final MutableDirectBuffer dst, final int dstOffset) {
        checkRoom(dst, dstOffset, payloadLength);
        Nonces.random(dst, dstOffset + NONCE_OFFSET);
        return sealWithNonceInPlace(key, payload, payloadOffset, payloadLength, dst, dstOffset);
    }

    private int sealWithNonceInPlace(final BoxKey key, final DirectBuffer payload, final int payloadOffset,
        final int payloadLength, final MutableDirectBuffer dst, final int dstOffset) {
        DiscoHeaderFlyweight.putMagic(dst, dstOffset);
        self.writeTo(dst, dstOffset + SENDER_KEY_OFFSET);
        return BOX_OFFSET + box.seal(key, dst, dstOffset + NONCE_OFFSET,
            payload, payloadOffset, payloadLength, dst, dstOffset + BOX_OFFSET);
    }

    private static void checkRoom(final MutableDirectBuffer dst, final int dstOffset, final int payloadLength) {
        if (payloadLength < 0 || payloadLength > MAX_SEALED_LENGTH - PAYLOAD_IN_PLACE_OFFSET) {
            throw new IllegalArgumentException("disco payload length must be 0.."
                + (MAX_SEALED_LENGTH - PAYLOAD_IN_PLACE_OFFSET) + ", got " + payloadLength);
        }
        final int needed = sealedLength(payloadLength);
        if (dstOffset < 0 || (!dst.isExpandable() && dst.capacity() - dstOffset < needed)) {
            throw new IllegalArgumentException("a sealed disco packet of " + needed + " bytes does not fit at offset "
                + dstOffset + " of a " + dst.capacity() + "-byte buffer");
        }
    }
}
