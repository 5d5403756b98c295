/**
 * The relay's STUN server, socket-free (Go {@code net/stun} {@code ParseBindingRequest} and {@code Response},
 * {@code net/stunserver}): flyweights over Agrona buffers for the STUN header, attributes, FINGERPRINT and
 * XOR-MAPPED-ADDRESS ({@link io.derpring.internal.stun.StunHeaderFlyweight},
 * {@link io.derpring.internal.stun.StunAttributeFlyweight}, {@link io.derpring.internal.stun.StunFingerprint},
 * {@link io.derpring.internal.stun.XorMappedAddressFlyweight}); Go's request check and answer
 * ({@link io.derpring.internal.stun.BindingRequest}, {@link io.derpring.internal.stun.BindingResponse}); a per-source
 * rate limit in a fixed-size table ({@link io.derpring.internal.stun.SourceRateLimiter}); and the responder that ties
 * them together and counts every outcome ({@link io.derpring.internal.stun.StunResponder},
 * {@link io.derpring.internal.stun.StunCounter}).
 *
 * <p>Only Binding requests that say they come from Tailscale ("tailnode") and end in a valid FINGERPRINT are
 * answered; everything else is counted and ignored, so the server is no reflector. Nothing here resolves a name: the
 * source address arrives as bytes and leaves as bytes (SPEC §5.9's anti-leak rule holds on the server side too).
 *
 * <p>Threads: the flyweights and checks are stateless; the limiter and responder belong to the one event loop that
 * reads the STUN socket. Parsing and answering copy nothing they can view and allocate nothing.
 */
package io.derpring.internal.stun;
