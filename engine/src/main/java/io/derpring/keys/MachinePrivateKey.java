package io.derpring.keys;

/** A machine private key. Text form {@code privkey:<64 hex>}. */
public final class MachinePrivateKey extends PrivateKey {
    private final MachineKey publicKey;

    private MachinePrivateKey(final byte[] raw) {
        super(raw, 0);
        this.publicKey = MachineKey.fromBytes(publicBytes());
    }

    /** A fresh random key, clamped as Go does. */
    public static MachinePrivateKey generate() {
        return new MachinePrivateKey(randomClamped());
    }

    /** From 32 raw scalar bytes (clamped or not: X25519 clamps). */
    public static MachinePrivateKey fromBytes(final byte[] raw) {
        if (raw == null || raw.length != LENGTH) {
            throw new KeyFormatException("machine private key is " + LENGTH + " raw bytes");
        }
        return new MachinePrivateKey(raw);
    }

    /** Parses {@code privkey:} and 64 hex digits. */
    public static MachinePrivateKey parse(final String text) {
        return new MachinePrivateKey(parseText(text, "privkey:", "machine private key"));
    }
    /** The matching public key. */
    public MachineKey publicKey() {
        return publicKey;
    }

    @Override
    String kind() {
        return "MachinePrivateKey";
    }
}
