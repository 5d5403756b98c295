package io.derpring.keys;

import java.security.MessageDigest;

/**
 * The DERP mesh key shared by the servers of one region: bare 64 hex digits (Go {@code key.ParseDERPMesh}
 * trims whitespace and requires exactly 64). A client that presents it gets mesh privileges (SPEC §3.8).
 */
public final class MeshKey extends Key32 {
    private MeshKey(final byte[] raw) {
        super(raw, 0);
    }

    /** Parses 64 hex digits, ignoring surrounding whitespace. */
    public static MeshKey parse(final String text) {
        if (text == null) {
            throw new KeyFormatException("mesh key is 64 hex digits");
        }
        return new MeshKey(parseHex(text.strip(), "mesh key"));
    }

    /**
     * Constant-time comparison; the zero key never matches (a server without a mesh key must not admit a
     * client that sends 64 zeros).
     */
    public boolean sameKeyAs(final MeshKey other) {
        return other != null && !isZero() && !other.isZero() && MessageDigest.isEqual(bytes, other.bytes);
    }

    /** The 64 hex digits, for the ClientInfo {@code meshKey} field only. */
    public String toHexText() {
        return hex();
    }

    /** Never the key: it is a shared secret. */
    @Override
    public String toString() {
        return "MeshKey(redacted)";
    }
}
