package io.derpring.internal.disco;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** Test helper: parses {@code a.b.c.d:port} and {@code [v6]:port} literals by hand, so no name lookup can happen. */
final class AddressLiterals {
    /** One parsed endpoint: 16-byte form (v4-mapped for IPv4) and port. */
    record Endpoint(boolean ipv4, int ipv4AsInt, long high, long low, int port) {
        InetSocketAddress toSocketAddress() {
            final byte[] raw;
            if (ipv4) {
                raw = new byte[] {(byte) (ipv4AsInt >>> 24), (byte) (ipv4AsInt >>> 16), (byte) (ipv4AsInt >>> 8),
                    (byte) ipv4AsInt};
            } else {
                raw = new byte[16];
                for (int i = 0; i < 8; i++) {
                    raw[i] = (byte) (high >>> (56 - 8 * i));
                    raw[8 + i] = (byte) (low >>> (56 - 8 * i));
                }
            }
            try {
                return new InetSocketAddress(InetAddress.getByAddress(raw), port);
            } catch (final UnknownHostException e) {
                throw new AssertionError(e);
            }
        }
    }

    private AddressLiterals() {
    }

    static Endpoint parse(final String text) {
        final int colon = text.lastIndexOf(':');
        final String host = text.substring(0, colon);
        final int port = Integer.parseInt(text.substring(colon + 1));
        if (host.startsWith("[")) {
            final long[] halves = parseIpv6(host.substring(1, host.length() - 1));
            return new Endpoint(false, 0, halves[0], halves[1], port);
        }
        return new Endpoint(true, parseIpv4(host), 0L, 0xFFFF_0000_0000L | (parseIpv4(host) & 0xFFFF_FFFFL), port);
    }

    static int parseIpv4(final String text) {
        final String[] parts = text.split("\\.");
        if (parts.length != 4) {
            throw new IllegalArgumentException(text);
        }
        int v = 0;
        for (final String p : parts) {
            v = (v << 8) | Integer.parseInt(p);
        }
        return v;
    }

    /** Hex groups with at most one {@code ::}; no embedded dotted quad (not needed by the vectors). */
    static long[] parseIpv6(final String text) {
        final int[] groups = new int[8];
        final int gap = text.indexOf("::");
        final String[] left = gap < 0 ? text.split(":") : splitGroups(text.substring(0, gap));
        final String[] right = gap < 0 ? new String[0] : splitGroups(text.substring(gap + 2));
        if (gap < 0 && left.length != 8 || left.length + right.length > 8) {
            throw new IllegalArgumentException(text);
        }
        for (int i = 0; i < left.length; i++) {
            groups[i] = Integer.parseInt(left[i], 16);
        }
        for (int i = 0; i < right.length; i++) {
            groups[8 - right.length + i] = Integer.parseInt(right[i], 16);
        }
        long high = 0;
        long low = 0;
        for (int i = 0; i < 4; i++) {
            high = (high << 16) | groups[i];
            low = (low << 16) | groups[4 + i];
        }
        return new long[] {high, low};
    }

    private static String[] splitGroups(final String s) {
        return s.isEmpty() ? new String[0] : s.split(":");
    }
}
