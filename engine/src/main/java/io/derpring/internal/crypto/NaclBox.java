package io.derpring.internal.crypto;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.bouncycastle.crypto.engines.Salsa20Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.bouncycastle.util.Arrays;

/**
 * NaCl {@code crypto_box_afternm} / {@code crypto_box_open_afternm}: XSalsa20-Poly1305 with a precomputed
 * {@link BoxKey}, on Bouncy Castle's {@link Salsa20Engine}, Salsa20 core and {@link Poly1305}. The box is
 * {@code tag[16] || ciphertext} (Go {@code nacl/box.Seal}, libsodium {@code crypto_box_easy}); the nonce travels
 * separately (DERP and disco put it in front).
 *
 * <p>Bouncy Castle works on {@code byte[]}, so bytes pass through a {@value #CHUNK_LENGTH}-byte scratch chunk on
 * their way between the caller's Agrona buffers (on-heap or off-heap). The engines, their parameter objects and the
 * chunk belong to this instance and are reused: one instance per thread. Box work runs for the handshake and for
 * disco packets, never per data packet. Tag comparison is constant time. Bad input never throws: {@link #open}
 * returns {@link #OPEN_FAILED}.
 *
 * <p>XSalsa20 is assembled here exactly as Bouncy Castle's {@code XSalsa20Engine} does it: the Salsa20 key is
 * HSalsa20(box key, nonce[0, 16)) and the Salsa20 nonce is nonce[16, 24). {@code XSalsa20Engine} itself allocates
 * a 16-word array on every rekey (80 bytes per box, measured), and disco boxes are opened on the ring's stage
 * thread, where steady state allocates nothing; {@link HSalsa20} with its own scratch keeps a box at zero.
 */
public final class NaclBox {
    public static final int NONCE_LENGTH = 24;
    public static final int TAG_LENGTH = 16;
    /** Returned by {@link #open} when the box is shorter than a tag or does not authenticate. */
    public static final int OPEN_FAILED = -1;

    /** The first 32 keystream bytes are the Poly1305 key; the message is XORed from byte 32 on (secretbox). */
    private static final int POLY_KEY_LENGTH = 32;
    /** Holds an MTU-sized (1200-byte) disco packet, so the common box is one copy in and one copy out. */
    static final int CHUNK_LENGTH = 2048;

    /** XSalsa20 = HSalsa20 subkey from the first 16 nonce bytes, then Salsa20 with the last 8. */
    private static final int SUBKEY_NONCE_LENGTH = HSalsa20.INPUT_LENGTH;
    private static final int SALSA20_NONCE_LENGTH = NONCE_LENGTH - SUBKEY_NONCE_LENGTH;

    private final HSalsa20 hsalsa20 = new HSalsa20();
    private final Salsa20Engine cipher = new Salsa20Engine();
    private final Poly1305 mac = new Poly1305();
    // Bouncy Castle's getKey() and getIV() return the arrays these objects hold, so refilling them in place rekeys
    // without allocating a parameter object per box. The vector tests that reuse one NaclBox pin this.
    private final KeyParameter subkey = new KeyParameter(new byte[HSalsa20.KEY_LENGTH]);
    private final ParametersWithIV cipherParameters = new ParametersWithIV(subkey, new byte[SALSA20_NONCE_LENGTH]);
    private final byte[] nonceBytes = new byte[NONCE_LENGTH];
    private final KeyParameter macKey = new KeyParameter(new byte[POLY_KEY_LENGTH]);
    private final byte[] chunk = new byte[CHUNK_LENGTH];
    private final byte[] computedTag = new byte[TAG_LENGTH];
    private final byte[] receivedTag = new byte[TAG_LENGTH];

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
        final int ciphertextOffset = dstOffset + TAG_LENGTH;
        for (int done = 0; done < length; done += CHUNK_LENGTH) {
            final int n = Math.min(CHUNK_LENGTH, length - done);
            src.getBytes(srcOffset + done, chunk, 0, n);
            cipher.processBytes(chunk, 0, n, chunk, 0);
            mac.update(chunk, 0, n);
            dst.putBytes(ciphertextOffset + done, chunk, 0, n);
        }
        mac.doFinal(computedTag, 0);
        dst.putBytes(dstOffset, computedTag);
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
        final int ciphertextOffset = srcOffset + TAG_LENGTH;
        startStream(key, nonce, nonceOffset);
        // The MAC covers the ciphertext, so it is checked in a first pass and nothing is decrypted before it holds.
        for (int done = 0; done < length; done += CHUNK_LENGTH) {
            final int n = Math.min(CHUNK_LENGTH, length - done);
            src.getBytes(ciphertextOffset + done, chunk, 0, n);
            mac.update(chunk, 0, n);
        }
        mac.doFinal(computedTag, 0);
        src.getBytes(srcOffset, receivedTag);
        if (!Arrays.constantTimeAreEqual(TAG_LENGTH, computedTag, 0, receivedTag, 0)) {
            return OPEN_FAILED;
        }
        // Each chunk is read whole before it is written back, and writes never run ahead of reads in the
        // in-place layouts above, so no unread ciphertext is overwritten.
        for (int done = 0; done < length; done += CHUNK_LENGTH) {
            final int n = Math.min(CHUNK_LENGTH, length - done);
            src.getBytes(ciphertextOffset + done, chunk, 0, n);
            cipher.processBytes(chunk, 0, n, chunk, 0);
            dst.putBytes(dstOffset + done, chunk, 0, n);
        }
        return length;
    }

    /** Keys XSalsa20 with (key, nonce) and takes the first 32 keystream bytes as the one-time Poly1305 key. */
    private void startStream(final BoxKey key, final DirectBuffer nonce, final int nonceOffset) {
        nonce.getBytes(nonceOffset, nonceBytes);
        hsalsa20.derive(key.bytes(), nonceBytes, 0, subkey.getKey());
        System.arraycopy(nonceBytes, SUBKEY_NONCE_LENGTH, cipherParameters.getIV(), 0, SALSA20_NONCE_LENGTH);
        cipher.init(true, cipherParameters);
        final byte[] polyKey = macKey.getKey();
        java.util.Arrays.fill(polyKey, (byte) 0);
        cipher.processBytes(polyKey, 0, POLY_KEY_LENGTH, polyKey, 0);
        mac.init(macKey);
    }
}
