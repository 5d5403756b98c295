package io.derpring.netmap;

/** A netmap snapshot could not be built from the peers given; {@link #reason()} says why. Never carries key bytes. */
public final class NetmapException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** Why a peer was refused. */
    public enum Reason {
        /** The same node key was added twice: peer ids would be ambiguous. */
        DUPLICATE_NODE_KEY,
        /** A home region below 0 (0 is {@link Netmap#NO_REGION}; region IDs are positive, SPEC §5.10). */
        NEGATIVE_REGION,
        /** A peer without a node key. */
        MISSING_NODE_KEY,
        /** More than {@link Netmap#MAX_PEERS} peers. */
        TOO_MANY_PEERS
    }

    private final Reason reason;

    public NetmapException(final Reason reason, final String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
