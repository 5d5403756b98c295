/**
 * The DERP map: Tailscale's {@code tailcfg.DERPMap} JSON parsed into validated, immutable values (SPEC §5.10), each
 * node's DERP URL and transport security (SPEC §2.6, §5.10), and the leak-safe STUN server list (SPEC §5.9, B62).
 *
 * <p>{@link io.derpring.derpmap.DerpMapParser} turns untrusted JSON into a {@link io.derpring.derpmap.DerpMap} or a
 * {@link io.derpring.derpmap.DerpMapException} naming the field and value; every input size is bounded. Regions are
 * kept in region-ID order and nodes in priority order. Address fields are classified without ever calling a
 * resolver: {@link io.derpring.derpmap.IpLiteral} parses literals itself, and addresses are built from bytes, so
 * parsing a map or building its STUN list never sends a DNS query (a query would leak which relays we use).
 *
 * <p>Thread rule: immutable. Values are safe to share between threads; the parser is stateless. Not a hot path:
 * a map arrives from control a few times per session.
 */
package io.derpring.derpmap;
