/**
 * NaCl {@code crypto_box} (X25519, HSalsa20, XSalsa20-Poly1305) over Agrona buffers (SPEC §2.1).
 *
 * <p>X25519 comes from Bouncy Castle and runs once per peer ({@link io.derpring.crypto.BoxKey#derive}); the
 * per-packet cipher and MAC are written here so that they work in place on off-heap buffers with no allocation and no
 * copy into a {@code byte[]}. Bouncy Castle's {@code XSalsa20Engine} and {@code Poly1305} serve as the test oracle.
 *
 * <p>Thread rule: {@link io.derpring.crypto.BoxKey} is immutable; {@link io.derpring.crypto.NaclBox} holds scratch
 * state and belongs to one thread.
 */
package io.derpring.crypto;
