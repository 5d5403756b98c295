package io.derpring.internal.crypto;

import java.util.Arrays;

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

    /** Never leaves this package: {@link NaclBox} copies it into its cipher's key parameter. */
    private final byte[] bytes;

    private BoxKey(final byte[] bytes) {
        this.bytes = bytes;
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
            Arrays.fill(scalar, (byte) 0);
            Arrays.fill(shared, (byte) 0);
        }
    }

    /** HSalsa20 of a raw X25519 shared secret with a zero input. */
    static BoxKey fromSharedSecret(final byte[] shared) {
        final byte[] key = new byte[LENGTH];
        new HSalsa20().derive(shared, new byte[HSalsa20.INPUT_LENGTH], 0, key);
        return new BoxKey(key);
    }

    /** From 32 raw key bytes (a {@code crypto_box_beforenm} result); for tests and vectors. */
    public static BoxKey fromBytes(final byte[] raw) {
        if (raw == null || raw.length != LENGTH) {
            throw new CryptoException("a box key is " + LENGTH + " bytes");
        }
        return new BoxKey(raw.clone());
    }

    /** The raw 32 bytes; for tests and vector checks only. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /** The key bytes, for {@link NaclBox} to derive its per-nonce subkey from; never written, never exposed. */
    byte[] bytes() {
        return bytes;
    }

    @Override
    public String toString() {
        return "BoxKey(redacted)";
    }
}
