package io.derpring.crypto;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * NaCl {@code crypto_box_afternm} / {@code crypto_box_open_afternm}: XSalsa20-Poly1305 with a precomputed
 * {@link BoxKey}. The box is {@code tag[16] || ciphertext} (Go {@code nacl/box.Seal}, libsodium
 * {@code crypto_box_easy}); the nonce travels separately (DERP and disco put it in front).
 *
 * <p>Works directly on Agrona buffers, on-heap or off-heap, without allocating: one instance per thread holds the
 * scratch words. Tag comparison is constant time. Bad input never throws: {@link #open} returns {@link #OPEN_FAILED}.
 */
public final class NaclBox {
    public static final int NONCE_LENGTH = 24;
    public static final int TAG_LENGTH = Poly1305.TAG_LENGTH;
    /** Returned by {@link #open} when the box is shorter than a tag or does not authenticate. */
    public static final int OPEN_FAILED = -1;

    /** The first 32 keystream bytes are the Poly1305 key; the message is XORed from byte 32 on (secretbox). */
    private static final int POLY_KEY_LENGTH = 32;

    private final int[] subkey = new int[8];
    private final int[] state = new int[16];
    private final int[] scratch = new int[16];
    private final int[] keystream = new int[16];
    private final Poly1305 mac = new Poly1305();

    /**
     * Seals {@code src[srcOffset, +length)} and writes {@code tag || ciphertext} ({@code length + 16} bytes) at
     * {@code dst[dstOffset]}. In place is allowed with the box written 16 bytes before the plaintext
     * ({@code dstOffset + 16 == srcOffset} in the same buffer).
     *
     * @return {@code length + 16}
     */
    public int seal(final BoxKey key, final DirectBuffer nonce, final int nonceOffset,
                    final DirectBuffer src, final int srcOffset, final int length,
                    final MutableDirectBuffer dst, final int dstOffset) {
        startStream(key, nonce, nonceOffset);
        xorStream(src, srcOffset, length, dst, dstOffset + TAG_LENGTH);
        mac.update(dst, dstOffset + TAG_LENGTH, length);
        mac.finish();
        dst.putLong(dstOffset, mac.tagLow, LITTLE_ENDIAN);
        dst.putLong(dstOffset + 8, mac.tagHigh, LITTLE_ENDIAN);
        return length + TAG_LENGTH;
    }

    /**
     * Opens {@code tag || ciphertext} of {@code boxedLength} bytes at {@code src[srcOffset]} and writes the
     * plaintext at {@code dst[dstOffset]}. Nothing is written unless the tag verifies. In place is allowed with
     * the plaintext written at the box start or just after its tag ({@code dstOffset == srcOffset} or
     * {@code dstOffset == srcOffset + 16} in the same buffer).
     *
     * @return the plaintext length, or {@link #OPEN_FAILED}
     */
    public int open(final BoxKey key, final DirectBuffer nonce, final int nonceOffset,
                    final DirectBuffer src, final int srcOffset, final int boxedLength,
                    final MutableDirectBuffer dst, final int dstOffset) {
        if (boxedLength < TAG_LENGTH) {
            return OPEN_FAILED;
        }
        final int length = boxedLength - TAG_LENGTH;
        startStream(key, nonce, nonceOffset);
        mac.update(src, srcOffset + TAG_LENGTH, length);
        mac.finish();
        final long diff = (mac.tagLow ^ src.getLong(srcOffset, LITTLE_ENDIAN))
            | (mac.tagHigh ^ src.getLong(srcOffset + 8, LITTLE_ENDIAN));
        if (diff != 0) {
            return OPEN_FAILED;
        }
        xorStream(src, srcOffset + TAG_LENGTH, length, dst, dstOffset);
        return length;
    }

    /** XSalsa20 setup: subkey = HSalsa20(key, nonce[0..16)); Salsa20(subkey, nonce[16..24)); MAC key = block 0[0..32). */
    private void startStream(final BoxKey key, final DirectBuffer nonce, final int nonceOffset) {
        Salsa20.hsalsa20(key.words,
            nonce.getInt(nonceOffset, LITTLE_ENDIAN), nonce.getInt(nonceOffset + 4, LITTLE_ENDIAN),
            nonce.getInt(nonceOffset + 8, LITTLE_ENDIAN), nonce.getInt(nonceOffset + 12, LITTLE_ENDIAN),
            state, scratch, subkey);
        Salsa20.init(state, subkey,
            nonce.getInt(nonceOffset + 16, LITTLE_ENDIAN), nonce.getInt(nonceOffset + 20, LITTLE_ENDIAN));
        Salsa20.block(state, keystream);
        mac.init(keystream);
    }

    /**
     * XORs the message with the keystream, starting at byte 32 of block 0 (already computed by startStream).
     * Each source word is read before its destination word is written, so the in-place layouts above are safe.
     */
    private void xorStream(final DirectBuffer src, final int srcOffset, final int length,
                           final MutableDirectBuffer dst, final int dstOffset) {
        int done = 0;
        int word = POLY_KEY_LENGTH / 4;
        while (done < length) {
            if (word == 16) {
                Salsa20.nextBlock(state);
                Salsa20.block(state, keystream);
                word = 0;
            }
            final int remaining = length - done;
            if (remaining >= 8) {
                // two keystream words per long: half the bounds-checked buffer accesses of int steps
                final long ks = (keystream[word] & 0xFFFF_FFFFL) | ((long) keystream[word + 1] << 32);
                dst.putLong(dstOffset + done, src.getLong(srcOffset + done, LITTLE_ENDIAN) ^ ks, LITTLE_ENDIAN);
                done += 8;
                word += 2;
            } else if (remaining >= 4) {
                dst.putInt(dstOffset + done,
                    src.getInt(srcOffset + done, LITTLE_ENDIAN) ^ keystream[word], LITTLE_ENDIAN);
                done += 4;
                word++;
            } else {
                final int ks = keystream[word];
                for (int b = 0; done < length; b++, done++) {
                    dst.putByte(dstOffset + done, (byte) (src.getByte(srcOffset + done) ^ (ks >>> (b << 3))));
                }
                word++;
            }
        }
    }
}
