package io.derpring.crypto;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import io.derpring.keys.PrivateKey;
import io.derpring.keys.PublicKey;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * A precomputed NaCl box key, {@code crypto_box_beforenm}: HSalsa20(X25519(self, peer), 16 zero bytes). Computing
 * it once per peer keeps X25519 off the per-packet path. The same key seals and opens in both directions.
 * Immutable; its bytes never print.
 */
public final class BoxKey {
    static final int LENGTH = 32;

    final int[] words;

    private BoxKey(final int[] words) {
        this.words = words;
    }

    /**
     * Derives the key shared by {@code self} and {@code peer}.
     *
     * @throws CryptoException for a zero peer key, or a peer key of low order (all-zero shared secret): Go panics on
     *                         zero keys; derpring refuses them with an error instead (SPEC §2.1).
     */
    public static BoxKey derive(final PrivateKey self, final PublicKey peer) {
        if (peer.isZeroKey()) {
            throw new CryptoException("refusing to box to the zero public key");
        }
        final byte[] scalar = new byte[LENGTH];
        final byte[] shared = new byte[LENGTH];
        try {
            self.copyScalarTo(scalar, 0);
            if (!X25519.calculateAgreement(scalar, 0, peer.toBytes(), 0, shared, 0)) {
                throw new CryptoException("X25519 gave an all-zero shared secret (low-order public key)");
            }
            return fromSharedSecret(shared);
        } finally {
            java.util.Arrays.fill(scalar, (byte) 0);
            java.util.Arrays.fill(shared, (byte) 0);
        }
    }

    /** HSalsa20 of a raw X25519 shared secret with a zero input. */
    static BoxKey fromSharedSecret(final byte[] shared) {
        final int[] k = toWords(shared);
        final int[] subkey = new int[8];
        Salsa20.hsalsa20(k, 0, 0, 0, 0, new int[16], new int[16], subkey);
        return new BoxKey(subkey);
    }

    /** From 32 raw key bytes (a {@code crypto_box_beforenm} result); for tests and vectors. */
    public static BoxKey fromBytes(final byte[] raw) {
        if (raw == null || raw.length != LENGTH) {
            throw new CryptoException("a box key is " + LENGTH + " bytes");
        }
        return new BoxKey(toWords(raw));
    }

    /** The raw 32 bytes; for tests and vector checks only. */
    public byte[] toBytes() {
        final ByteBuffer out = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        for (final int w : words) {
            out.putInt(w);
        }
        return out.array();
    }

    private static int[] toWords(final byte[] raw) {
        final ByteBuffer in = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        final int[] w = new int[8];
        for (int i = 0; i < 8; i++) {
            w[i] = in.getInt(i * 4);
        }
        return w;
    }

    @Override
    public String toString() {
        return "BoxKey(redacted)";
    }
}
