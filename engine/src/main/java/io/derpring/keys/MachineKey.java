package io.derpring.keys;

import org.agrona.DirectBuffer;

/** A machine public key (control-plane identity). Text form {@code mkey:<64 hex>}. */
public final class MachineKey extends PublicKey {
    static final String PREFIX = "mkey:";

    private MachineKey(final byte[] raw, final int offset) {
        super(raw, offset);
    }

    /** From 32 raw bytes at {@code offset}. */
    public static MachineKey fromBytes(final byte[] raw, final int offset) {
        return new MachineKey(raw, offset);
    }

    /** From 32 raw bytes. */
    public static MachineKey fromBytes(final byte[] raw) {
        return new MachineKey(raw, 0);
    }

    /** Copies 32 bytes out of a buffer (allocates: use {@link #matches} on the hot path). */
    public static MachineKey read(final DirectBuffer buffer, final int offset) {
        return new MachineKey(Key32.copyOut(buffer, offset), 0);
    }

    /** Parses {@code mkey:} and 64 hex digits. */
    public static MachineKey parse(final String text) {
        return new MachineKey(parseText(text, PREFIX, "machine public key"), 0);
    }

    /** Parses 64 bare hex digits (the {@code Derp-Public-Key} header form). */
    public static MachineKey parseHex(final String hex) {
        return new MachineKey(Key32.parseHex(hex, "machine public key"), 0);
    }

    @Override
    String prefix() {
        return PREFIX;
    }
}
