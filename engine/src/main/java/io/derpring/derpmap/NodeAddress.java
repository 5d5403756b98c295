package io.derpring.derpmap;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * One address family of a DERP node: the map's {@code IPv4} or {@code IPv6} string and what it means (SPEC §5.9).
 *
 * <p>A {@link AddressMode#FIXED} address is built from the literal's bytes with {@code getByAddress}, which never
 * consults a resolver, so holding or printing it never causes a DNS query. Never call {@code getHostName()} or
 * {@code getCanonicalHostName()} on it: those do a reverse lookup.
 */
public final class NodeAddress {
    private final boolean ipv6;
    private final AddressMode mode;
    private final String text;
    private final InetAddress address;

    private NodeAddress(final boolean ipv6, final AddressMode mode, final String text, final InetAddress address) {
        this.ipv6 = ipv6;
        this.mode = mode;
        this.text = text;
        this.address = address;
    }

    /** Classifies a node's {@code IPv4} field; {@code null} (absent) and {@code ""} both mean {@link AddressMode#USE_DNS}. */
    public static NodeAddress ipv4(final String field) {
        final String text = field == null ? "" : field;
        if (text.isEmpty()) {
            return new NodeAddress(false, AddressMode.USE_DNS, text, null);
        }
        final byte[] raw = IpLiteral.parseIpv4(text);
        if (raw == null) {
            return new NodeAddress(false, AddressMode.DISABLED, text, null);
        }
        try {
            return new NodeAddress(false, AddressMode.FIXED, text, InetAddress.getByAddress(raw)); // no resolver
        } catch (final UnknownHostException e) {
            throw new IllegalStateException("4 address bytes are always a valid IPv4 address", e);
        }
    }

    /** Classifies a node's {@code IPv6} field; {@code null} (absent) and {@code ""} both mean {@link AddressMode#USE_DNS}. */
    public static NodeAddress ipv6(final String field) {
        final String text = field == null ? "" : field;
        if (text.isEmpty()) {
            return new NodeAddress(true, AddressMode.USE_DNS, text, null);
        }
        final byte[] raw = IpLiteral.parseIpv6(text);
        if (raw == null) {
            return new NodeAddress(true, AddressMode.DISABLED, text, null);
        }
        try {
            // Inet6Address.getByAddress keeps a v4-mapped address as IPv6 (InetAddress.getByAddress would turn
            // ::ffff:a.b.c.d into an Inet4Address); a null host means no name is attached or looked up.
            return new NodeAddress(true, AddressMode.FIXED, text, Inet6Address.getByAddress(null, raw, -1));
        } catch (final UnknownHostException e) {
            throw new IllegalStateException("16 address bytes are always a valid IPv6 address", e);
        }
    }

    /** True for the node's {@code IPv6} field, false for {@code IPv4}. */
    public boolean isIpv6() {
        return ipv6;
    }

    public AddressMode mode() {
        return mode;
    }

    /** True when the map gives a literal to dial ({@link AddressMode#FIXED}). */
    public boolean isFixed() {
        return mode == AddressMode.FIXED;
    }

    /** The field as the map wrote it; {@code ""} when it was absent. */
    public String text() {
        return text;
    }

    /**
     * The fixed address, built from literal bytes (never resolved).
     *
     * @throws IllegalStateException when the mode is not {@link AddressMode#FIXED}
     */
    public InetAddress address() {
        if (address == null) {
            throw new IllegalStateException("address mode is " + mode + ", not FIXED");
        }
        return address;
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof NodeAddress other && ipv6 == other.ipv6 && mode == other.mode && text.equals(other.text);
    }

    @Override
    public int hashCode() {
        return Objects.hash(ipv6, mode, text);
    }

    @Override
    public String toString() {
        return (ipv6 ? "IPv6" : "IPv4") + '[' + mode + (text.isEmpty() ? "" : " \"" + text + '"') + ']';
    }
}
