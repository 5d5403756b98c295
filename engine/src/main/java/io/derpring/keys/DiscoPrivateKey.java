package io.derpring.keys;

/** A disco private key. Go gives it no text form, so neither do we: it never leaves the process. */
public final class DiscoPrivateKey extends PrivateKey {
    private final DiscoKey publicKey;

    private DiscoPrivateKey(final byte[] raw) {
        super(raw, 0);
        this.publicKey = DiscoKey.fromBytes(publicBytes());
    }

    /** A fresh random key, clamped as Go does. */
    public static DiscoPrivateKey generate() {
        return new DiscoPrivateKey(randomClamped());
    }

    /** From 32 raw scalar bytes (clamped or not: X25519 clamps). */
    public static DiscoPrivateKey fromBytes(final byte[] raw) {
        if (raw == null || raw.length != LENGTH) {
            throw new KeyFormatException("disco private key is " + LENGTH + " raw bytes");
        }
        return new DiscoPrivateKey(raw);
    }

    /** The matching public key. */
    public DiscoKey publicKey() {
        return publicKey;
    }

    /** Disco private keys have no text form (Go's {@code key.DiscoPrivate} has none). */
    @Override
    public String toText() {
        throw new UnsupportedOperationException("disco private keys have no text form");
    }

    @Override
    String kind() {
        return "DiscoPrivateKey";
    }
}
