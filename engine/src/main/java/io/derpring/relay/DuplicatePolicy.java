package io.derpring.relay;

/** What to do when one node key has several connections (SPEC §3.5; Go {@code derpserver.go dupPolicy}). */
public enum DuplicatePolicy {
    /** Go's default: whichever duplicate last sent a frame receives the key's packets. */
    LAST_WRITER_IS_ACTIVE,
    /**
     * When a connection in the key's send history speaks again after another one did, the connections are fighting
     * (two machines with one key): all of them are disabled and packets to the key drop as {@code dup_client}.
     */
    DISABLE_FIGHTERS
}
