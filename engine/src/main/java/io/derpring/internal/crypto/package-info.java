/**
 * NaCl {@code crypto_box} (X25519, HSalsa20, XSalsa20-Poly1305) over Agrona buffers (SPEC §2.1), on Bouncy Castle.
 *
 * <p>X25519 and the HSalsa20 of {@code crypto_box_beforenm} run once per peer
 * ({@link io.derpring.internal.crypto.BoxKey#derive}). HSalsa20 is built on Bouncy Castle's public Salsa20 core because Bouncy
 * Castle does not expose it. Seal and open use Bouncy Castle's {@code Salsa20Engine}, keyed as {@code XSalsa20Engine}
 * keys it, and its {@code Poly1305}. They run for the handshake and disco, never per data packet, so the copy between
 * Agrona buffers and {@code byte[]} is an accepted cost (measured in the codec JMH). No cipher or MAC arithmetic is
 * written here.
 *
 * <p>Thread rule: {@link io.derpring.internal.crypto.BoxKey} is immutable; {@link io.derpring.internal.crypto.NaclBox} holds engines
 * and scratch and belongs to one thread.
 */
package io.derpring.internal.crypto;
