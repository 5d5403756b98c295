/**
 * Curve25519 key values: node, disco and machine keys, their text forms ({@code nodekey:}, {@code discokey:},
 * {@code mkey:}, {@code privkey:}) and the DERP mesh key (SPEC §2.1).
 *
 * <p>Immutable; safe on any thread. Public keys precompute their hash so they can key hot-path maps, and can be
 * compared against wire bytes without allocating. Private keys never print their bytes.
 */
package io.derpring.keys;
