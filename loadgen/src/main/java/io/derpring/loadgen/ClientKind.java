package io.derpring.loadgen;

import java.util.Locale;

import io.derpring.runtime.InvalidConfigException;

/** Which DERP client the generator drives. */
public enum ClientKind {
    /** Bare {@code DerpNodeConnection}s, inbound through one small shared ring: the transport's own cost. */
    RAW,
    /** One full {@code DerpEngine} per node (region conductor, router, ring stages): what an embedder gets. */
    ENGINE;

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code raw} or {@code engine}. */
    public static ClientKind fromCliName(final String name) {
        for (final ClientKind k : values()) {
            if (k.cliName().equalsIgnoreCase(name)) {
                return k;
            }
        }
        throw new InvalidConfigException("unknown client '" + name + "': use raw or engine");
    }
}
