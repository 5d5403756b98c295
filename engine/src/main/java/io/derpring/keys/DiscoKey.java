package io.derpring.keys;

import org.agrona.DirectBuffer;

/** A disco public key: seals and authenticates disco messages; separate from the node key (SPEC §4.1). Text form {@code discokey:<64 hex>}. */
public final class DiscoKey extends PublicKey {
    static final String PREFIX = "discokey:";

    private DiscoKey(final byte[] raw, final int offset) {
        super(raw, offset);
    }

    /** From 32 raw bytes at {@code offset}. */
    public static DiscoKey fromBytes(final byte[] raw, final int offset) {
        return new DiscoKey(raw, offset);
    }

    /** From 32 raw bytes. */
    public static DiscoKey fromBytes(final byte[] raw) {
        return new DiscoKey(raw, 0);
    }

    /** Copies 32 bytes out of a buffer (allocates: use {@link #matches} on the hot path). */
    public static DiscoKey read(final DirectBuffer buffer, final int offset) {
        return new DiscoKey(Key32.copyOut(buffer, offset), 0);
    }

    /** Parses {@code discokey:} and 64 hex digits. */
    public static DiscoKey parse(final String text) {
        return new DiscoKey(parseText(text, PREFIX, "disco public key"), 0);
    }

    /** Parses 64 bare hex digits (the {@code Derp-Public-Key} header form). */
    public static DiscoKey parseHex(final String hex) {
        return new DiscoKey(Key32.parseHex(hex, "disco public key"), 0);
    }

    @Override
    String prefix() {
        return PREFIX;
    }
}
