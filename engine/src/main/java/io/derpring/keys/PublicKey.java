package io.derpring.keys;

/** A Curve25519 public key of one kind; its text form is the kind's prefix and 64 lower-case hex digits. */
public abstract class PublicKey extends Key32 {
    PublicKey(final byte[] raw, final int offset) {
        super(raw, offset);
    }

    /** The text prefix of this kind, e.g. {@code "nodekey:"}. */
    abstract String prefix();

    /** Bare 64 lower-case hex digits, as the {@code Derp-Public-Key} header and TLS meta-certificate carry. */
    public final String toHex() {
        return hex();
    }

    /** True for the all-zero key, which NaCl box refuses (SPEC §2.1). */
    public final boolean isZeroKey() {
        return isZero();
    }

    /** The text form, e.g. {@code nodekey:2560b5...}. Public keys are not secret. */
    @Override
    public final String toString() {
        return prefix() + hex();
    }
}
