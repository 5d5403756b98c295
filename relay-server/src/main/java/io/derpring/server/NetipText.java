package io.derpring.server;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * An IP address as Go's {@code netip.Addr.String()} writes it, which is what an admission controller receives as
 * {@code Source} from derper: dotted IPv4; IPv6 in RFC 5952 form (lower-case hex, no leading zeros, the longest run of
 * two or more zero groups, the first on a tie, as {@code ::}), then {@code %zone} when scoped; the empty string for no
 * address (Go's zero {@code Addr}). Java's {@code getHostAddress()} writes IPv6 uncompressed, which Go would not.
 */
final class NetipText {
    private static final int GROUPS = 8;

    private NetipText() {
    }

    static String of(final InetAddress address) {
        if (address == null) {
            return "";
        }
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        final Inet6Address v6 = (Inet6Address) address;
        final String text = ipv6(v6.getAddress());
        if (v6.getScopedInterface() != null) {
            return text + '%' + v6.getScopedInterface().getName();
        }
        return v6.getScopeId() != 0 ? text + '%' + v6.getScopeId() : text;
    }

    /** netip.Addr.string6, for the 16 bytes of an IPv6 address. */
    static String ipv6(final byte[] a) {
        final int[] groups = new int[GROUPS];
        for (int i = 0; i < GROUPS; i++) {
            groups[i] = (a[2 * i] & 0xFF) << 8 | a[2 * i + 1] & 0xFF;
        }
        int zeroStart = -1;
        int zeroEnd = -1;
        for (int i = 0; i < GROUPS; i++) {
            int j = i;
            while (j < GROUPS && groups[j] == 0) {
                j++;
            }
            if (j - i >= 2 && j - i > zeroEnd - zeroStart) {
                zeroStart = i;
                zeroEnd = j;
            }
        }
        final StringBuilder out = new StringBuilder(39);
        for (int i = 0; i < GROUPS; i++) {
            if (i == zeroStart) {
                out.append("::");
                i = zeroEnd;
                if (i >= GROUPS) {
                    break;
                }
            } else if (i > 0) {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }
}
