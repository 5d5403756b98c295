package io.derpring.keys;

import java.security.SecureRandom;

import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * A Curve25519 private key (an X25519 scalar). Its bytes never appear in {@link #toString()}, logs or exception
 * messages; only {@link #toText()} reveals them, for storing the key on purpose.
 */
public abstract class PrivateKey extends Key32 {
    private static final SecureRandom RANDOM = new SecureRandom();

    PrivateKey(final byte[] raw, final int offset) {
        super(raw, offset);
    }

    /** 32 random bytes, clamped as Go's {@code key.NewNode} does ({@code k[0] &= 248; k[31] = (k[31] & 127) | 64}). */
    static byte[] randomClamped() {
        final byte[] k = new byte[LENGTH];
        RANDOM.nextBytes(k);
        k[0] &= (byte) 248;
        k[31] = (byte) ((k[31] & 127) | 64);
        return k;
    }

    /**
     * X25519 base-point multiplication. X25519 clamps internally, so a clamped and an unclamped form of the same
     * scalar give the same public key (SPEC §2.1).
     */
    final byte[] publicBytes() {
        final byte[] pub = new byte[LENGTH];
        X25519.scalarMultBase(bytes, 0, pub, 0);
        return pub;
    }

    /** Raw scalar bytes for the crypto package; callers must not keep or print them. */
    public final byte[] rawScalar() {
        return bytes.clone();
    }

    /** Copies the scalar into {@code dst} without allocating (crypto key derivation). */
    public final void copyScalarTo(final byte[] dst, final int offset) {
        System.arraycopy(bytes, 0, dst, offset, LENGTH);
    }

    abstract String kind();

    /** {@code privkey:} and 64 hex digits: reveals the key, for storing it on purpose. */
    public String toText() {
        return "privkey:" + hex();
    }

    /** Never the key bytes: a private key that reaches a log line must not leak. */
    @Override
    public final String toString() {
        return kind() + "(redacted)";
    }
}
