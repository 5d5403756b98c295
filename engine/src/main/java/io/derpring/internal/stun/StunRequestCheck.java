package io.derpring.internal.stun;

/**
 * What {@link BindingRequest#check} made of a datagram: {@link #TAILNODE_BINDING_REQUEST} is answered, every other
 * outcome is ignored and counted under its own reason. One value per Go {@code net/stun} error.
 */
public enum StunRequestCheck {
    /** A Binding request from Tailscale software with a valid trailing FINGERPRINT: answer it. */
    TAILNODE_BINDING_REQUEST,
    /** Go {@code ErrNotSTUN}: shorter than a header, top bits set, or no magic cookie. */
    NOT_STUN,
    /** Go {@code ErrNotBindingRequest}: STUN, but another method or class. */
    NOT_BINDING_REQUEST,
    /** Go {@code ErrMalformedAttrs}: an attribute runs past the datagram. */
    MALFORMED_ATTRIBUTES,
    /** Go {@code ErrWrongSoftware}: no SOFTWARE attribute reading exactly "tailnode". */
    WRONG_SOFTWARE,
    /** Go {@code ErrNoFingerprint}: the last attribute is not FINGERPRINT. */
    NO_FINGERPRINT,
    /** Go {@code ErrWrongFingerprint}: the FINGERPRINT does not match the bytes before it. */
    WRONG_FINGERPRINT
}
