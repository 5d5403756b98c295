/**
 * Client TLS for DERP nodes (SPEC §5.10, §2.6): name verification against the platform (or a given) trust store,
 * {@code sha256-raw:} leaf pinning, {@code InsecureForTests} (TLS without verification), and recognition of the DERP
 * meta-certificate that allows fast start. Uses the JDK's TLS provider (see
 * {@link io.derpring.transport.internal.tls.DerpClientTls} for why).
 *
 * <p>Thread rule: contexts are immutable and shared; each connection gets its own {@code SslHandler} on its loop.
 */
package io.derpring.transport.internal.tls;
