package io.derpring.transport.engine;

/** How an engine's connections are secured, whatever the DERP map says (SPEC §5.10). */
public enum TlsMode {
    /** Default. Each node's own security from the DERP map: name verification, SHA-256 pin, or InsecureForTests. */
    FROM_MAP,
    /** TLS without certificate verification for every node (tests with self-signed relays). */
    INSECURE_FOR_TESTS,
    /** Plain HTTP to {@code DERPPort} (80 if unset): an explicit debug/test mode, never inferred (SPEC §5.10). */
    PLAIN_HTTP_FOR_TESTS
}
