package io.derpring.derpmap;

/**
 * How a DERP node's {@code IPv4} or {@code IPv6} field says to find its address (SPEC §5.9, {@code tailcfg.DERPNode}).
 * Names match the vector table {@code derpmap.json per_node.ipv4_usage}: UseDns, FixedAddr, Disable.
 */
public enum AddressMode {
    /** Field absent or {@code ""}: look the host name up in DNS (the dialer's choice; never done for STUN). */
    USE_DNS,
    /** Field is an address literal of the right family: use exactly that address, no DNS. */
    FIXED,
    /** Any other string (conventionally {@code "none"}): do not use this address family, and do not use DNS for it. */
    DISABLED
}
