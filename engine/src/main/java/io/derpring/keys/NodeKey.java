package io.derpring.keys;

import org.agrona.DirectBuffer;

/** A node's public key: its identity on DERP, the address a SendPacket names. Text form {@code nodekey:<64 hex>}. */
public final class NodeKey extends PublicKey {
    static final String PREFIX = "nodekey:";

    private NodeKey(final byte[] raw, final int offset) {
        super(raw, offset);
    }

    /** From 32 raw bytes at {@code offset}. */
    public static NodeKey fromBytes(final byte[] raw, final int offset) {
        return new NodeKey(raw, offset);
    }

    /** From 32 raw bytes. */
    public static NodeKey fromBytes(final byte[] raw) {
        return new NodeKey(raw, 0);
    }

    /** Copies 32 bytes out of a buffer (allocates: use {@link #matches} on the hot path). */
    public static NodeKey read(final DirectBuffer buffer, final int offset) {
        return new NodeKey(Key32.copyOut(buffer, offset), 0);
    }

    /** Parses {@code nodekey:} and 64 hex digits. */
    public static NodeKey parse(final String text) {
        return new NodeKey(parseText(text, PREFIX, "node public key"), 0);
    }

    /** Parses 64 bare hex digits (the {@code Derp-Public-Key} header form). */
    public static NodeKey parseHex(final String hex) {
        return new NodeKey(Key32.parseHex(hex, "node public key"), 0);
    }

    @Override
    String prefix() {
        return PREFIX;
    }
}
