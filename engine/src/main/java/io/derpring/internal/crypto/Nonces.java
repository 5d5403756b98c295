package io.derpring.internal.crypto;

import java.security.SecureRandom;

import org.agrona.MutableDirectBuffer;

/** Random 24-byte NaCl nonces. XSalsa20's nonce is long enough that random nonces never collide in practice. */
public final class Nonces {
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[NaclBox.NONCE_LENGTH]);
    private static final SecureRandom RANDOM = new SecureRandom();

    private Nonces() {
    }

    /** Writes 24 random bytes at {@code dst[offset]}. */
    public static void random(final MutableDirectBuffer dst, final int offset) {
        final byte[] nonce = SCRATCH.get();
        RANDOM.nextBytes(nonce);
        dst.putBytes(offset, nonce);
    }
}
