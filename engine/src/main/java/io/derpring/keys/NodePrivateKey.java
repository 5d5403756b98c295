package io.derpring.keys;

/** A node's private key. Text form {@code privkey:<64 hex>}. */
public final class NodePrivateKey extends PrivateKey {
    private final NodeKey publicKey;

    private NodePrivateKey(final byte[] raw) {
        super(raw, 0);
        this.publicKey = NodeKey.fromBytes(publicBytes());
    }

    /** A fresh random key, clamped as Go does. */
    public static NodePrivateKey generate() {
        return new NodePrivateKey(randomClamped());
    }

    /** From 32 raw scalar bytes (clamped or not: X25519 clamps). */
    public static NodePrivateKey fromBytes(final byte[] raw) {
        if (raw == null || raw.length != LENGTH) {
            throw new KeyFormatException("node private key is " + LENGTH + " raw bytes");
        }
        return new NodePrivateKey(raw);
    }

    /** Parses {@code privkey:} and 64 hex digits. */
    public static NodePrivateKey parse(final String text) {
        return new NodePrivateKey(parseText(text, "privkey:", "node private key"));
    }
    /** The matching public key. */
    public NodeKey publicKey() {
        return publicKey;
    }

    @Override
    String kind() {
        return "NodePrivateKey";
    }
}
