package io.derpring.internal.disco;

import io.derpring.disco.EndpointList;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * Which endpoints of an inbound CallMeMaybe derpring will disco-ping (SPEC §5.7, RS
 * {@code ts_magicsock/src/sock.rs is_pingable_candidate}, B59). It exists so a peer cannot make us probe our own
 * LAN, loopback or a multicast group: only addresses that can be a public path are kept.
 * <ul>
 *   <li>Only the first {@link #MAX_INBOUND_CALLMEMAYBE_ENDPOINTS} endpoints are looked at (Go has no cap).</li>
 *   <li>IPv4 rejected: {@code 0.0.0.0}, {@code 127/8}, {@code 169.254/16}, {@code 224/4},
 *       {@code 255.255.255.255}, {@code 10/8}, {@code 172.16/12}, {@code 192.168/16}. Everything else is kept,
 *       including CGNAT {@code 100.64/10}, the rest of {@code 0/8}, the rest of {@code 240/4} and documentation
 *       ranges.</li>
 *   <li>IPv6 rejected always while IPv6 is disabled (the default); when enabled, rejected if {@code ::},
 *       {@code ::1}, {@code ff00::/8}, {@code fc00::/7} or {@code fe80::/10}.</li>
 * </ul>
 * v4-mapped addresses are IPv4 (the wire form of IPv4). Immutable and allocation-free except
 * {@link #acceptedAddresses}; safe on any thread.
 */
public final class CallMeMaybeFilter {
    /** RS ts_magicsock MAX_INBOUND_CALLMEMAYBE_ENDPOINTS: endpoints after the 16th are ignored (SPEC §5.7). */
    public static final int MAX_INBOUND_CALLMEMAYBE_ENDPOINTS = 16;

    private final boolean ipv6Enabled;

    /** @param ipv6Enabled RS {@code enable_ipv6}; false (the default) rejects every IPv6 candidate */
    public CallMeMaybeFilter(final boolean ipv6Enabled) {
        this.ipv6Enabled = ipv6Enabled;
    }

    /** The default filter: IPv6 disabled. */
    public static CallMeMaybeFilter ipv4Only() {
        return new CallMeMaybeFilter(false);
    }

    public boolean ipv6Enabled() {
        return ipv6Enabled;
    }

    /**
     * Clears {@code accepted} and appends the pingable endpoints among the first 16 of {@code message}, in wire
     * order. Returns how many were kept (0: no path entry should be created for the peer). Allocation-free.
     */
    public int filter(final CallMeMaybeFlyweight message, final EndpointList accepted) {
        accepted.clear();
        final int considered = Math.min(message.endpointCount(), MAX_INBOUND_CALLMEMAYBE_ENDPOINTS);
        for (int i = 0; i < considered; i++) {
            if (isPingable(message, i)) {
                accepted.addFrom(message.buffer(), message.endpointOffset(i));
            }
        }
        return accepted.size();
    }

    /** The allocating form of {@link #filter}: for tests and non-hot-path sinks. No name lookups. */
    public List<InetSocketAddress> acceptedAddresses(final CallMeMaybeFlyweight message) {
        final EndpointList accepted = EndpointList.forCallMeMaybe();
        filter(message, accepted);
        return accepted.toSocketAddresses();
    }

    /** The rule for endpoint {@code index} of {@code message}, whatever its position. */
    public boolean isPingable(final CallMeMaybeFlyweight message, final int index) {
        return message.isIpv4(index)
            ? isPingableIpv4(message.ipv4AsInt(index))
            : isPingableIpv6(message.ipv6High(index), message.ipv6Low(index));
    }

    /** The rule for one IPv6 address (network-order halves); always false while IPv6 is disabled. */
    public boolean isPingableIpv6(final long high, final long low) {
        if (!ipv6Enabled) {
            return false;
        }
        if (high == 0L && (low == 0L || low == 1L)) {
            return false;                                   // :: unspecified, ::1 loopback
        }
        final int top16 = (int) (high >>> 48);
        return (top16 & 0xFF00) != 0xFF00                   // ff00::/8 multicast
            && (top16 & 0xFE00) != 0xFC00                   // fc00::/7 unique local
            && (top16 & 0xFFC0) != 0xFE80;                  // fe80::/10 link local
    }

    /** The rule for one IPv4 address given as a network-order int ({@code 10.0.0.1 == 0x0A000001}). */
    public static boolean isPingableIpv4(final int address) {
        final int a = address >>> 24;
        final int ab = address >>> 16;
        return address != 0                                 // 0.0.0.0 unspecified (rest of 0/8 is allowed)
            && address != 0xFFFF_FFFF                       // limited broadcast (rest of 240/4 is allowed)
            && a != 127                                     // loopback 127/8
            && a != 10                                      // private 10/8
            && (address >>> 28) != 0xE                      // multicast 224/4
            && ab != 0xA9FE                                 // link-local 169.254/16
            && ab != 0xC0A8                                 // private 192.168/16
            && (address >>> 20) != 0xAC1;                   // private 172.16/12
    }
}
