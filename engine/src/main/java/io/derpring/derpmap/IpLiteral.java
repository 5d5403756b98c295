package io.derpring.derpmap;

/**
 * Strict, resolver-free parsing of IP address literals.
 *
 * <p>Why our own parser: the JDK's {@code InetAddress.getByName} accepts a literal <em>or</em> a host name, and for a
 * host name it asks DNS. A DERP map string like {@code "none"} or {@code "derp1.example"} would then become a DNS
 * query, a second egress path that tells the resolver which relays we use (SPEC §5.9). Everything here is pure string
 * work over ASCII; the caller builds addresses with {@code InetAddress.getByAddress(byte[])}, which never resolves.
 *
 * <p>Accepted forms follow the strict parsers of Go {@code net/netip} and Rust {@code std::net}: IPv4 is exactly
 * four decimal octets with no leading zeros ({@code 010.0.0.1} is rejected, not read as octal or decimal); IPv6 is
 * the RFC 4291 §2.2 text form (1–4 hex digits per group, at most one {@code ::}, an optional trailing dotted quad),
 * without brackets or a zone ({@code %eth0}).
 */
public final class IpLiteral {
    /** Raw IPv4 address length in bytes. */
    public static final int IPV4_LENGTH = 4;
    /** Raw IPv6 address length in bytes. */
    public static final int IPV6_LENGTH = 16;
    /** Longest IPv4 literal: {@code 255.255.255.255}. */
    static final int MAX_IPV4_CHARS = 15;
    /** Longest IPv6 literal: {@code ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255} (RFC 4291 §2.2 form 3). */
    static final int MAX_IPV6_CHARS = 45;
    private static final int IPV6_GROUPS = 8;

    private IpLiteral() {
    }

    /**
     * Parses a dotted-quad IPv4 literal.
     *
     * @return the 4 address bytes, or {@code null} when {@code text} is not exactly an IPv4 literal
     */
    public static byte[] parseIpv4(final String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_IPV4_CHARS) {
            return null;
        }
        final byte[] out = new byte[IPV4_LENGTH];
        return parseDottedQuad(text, 0, text.length(), out, 0) ? out : null;
    }

    /**
     * Parses an IPv6 literal (no brackets, no zone).
     *
     * @return the 16 address bytes, or {@code null} when {@code text} is not exactly an IPv6 literal
     */
    public static byte[] parseIpv6(final String text) {
        if (text == null || text.length() < 2 || text.length() > MAX_IPV6_CHARS) {
            return null;
        }
        final int doubleColon = text.indexOf("::");
        if (doubleColon >= 0 && text.indexOf("::", doubleColon + 1) >= 0) {
            return null; // two "::" (or ":::") would make the zero run ambiguous
        }
        final byte[] head = new byte[IPV6_LENGTH];
        if (doubleColon < 0) {
            final int n = parseGroups(text, 0, text.length(), head);
            return n == IPV6_LENGTH ? head : null;
        }
        final int headBytes = doubleColon == 0 ? 0 : parseGroups(text, 0, doubleColon, head);
        final byte[] tail = new byte[IPV6_LENGTH];
        final int tailStart = doubleColon + 2;
        final int tailBytes = tailStart == text.length() ? 0 : parseGroups(text, tailStart, text.length(), tail);
        // "::" stands for at least one zero group, so at most 7 explicit groups (14 bytes) may surround it.
        if (headBytes < 0 || tailBytes < 0 || headBytes + tailBytes > IPV6_LENGTH - 2) {
            return null;
        }
        final boolean embeddedIpv4InHead = headBytes > 0 && text.lastIndexOf('.', doubleColon) >= 0;
        if (embeddedIpv4InHead) {
            return null; // a dotted quad may only end the address
        }
        final byte[] out = new byte[IPV6_LENGTH];
        System.arraycopy(head, 0, out, 0, headBytes);
        System.arraycopy(tail, 0, out, IPV6_LENGTH - tailBytes, tailBytes);
        return out;
    }

    /**
     * Parses colon-separated groups in {@code text[from, to)} into {@code out} from index 0; the last group may be a
     * dotted quad. Returns the number of bytes written, or -1 when the range is malformed.
     */
    private static int parseGroups(final String text, final int from, final int to, final byte[] out) {
        int written = 0;
        int groupStart = from;
        while (true) {
            int end = groupStart;
            while (end < to && text.charAt(end) != ':') {
                end++;
            }
            if (end == groupStart) {
                return -1; // empty group: a leading, trailing or doubled ':' outside the one "::"
            }
            final boolean last = end == to;
            if (last && text.indexOf('.', groupStart) >= 0 && text.indexOf('.', groupStart) < to) {
                if (written + IPV4_LENGTH > IPV6_LENGTH
                    || !parseDottedQuad(text, groupStart, end, out, written)) {
                    return -1;
                }
                return written + IPV4_LENGTH;
            }
            if (end - groupStart > 4 || written + 2 > IPV6_LENGTH) {
                return -1;
            }
            int value = 0;
            for (int i = groupStart; i < end; i++) {
                final int digit = hexDigit(text.charAt(i));
                if (digit < 0) {
                    return -1;
                }
                value = (value << 4) | digit;
            }
            out[written++] = (byte) (value >>> 8);
            out[written++] = (byte) value;
            if (last) {
                return written;
            }
            groupStart = end + 1;
            if (groupStart == to) {
                return -1; // trailing ':'
            }
        }
    }

    /** Parses exactly {@code a.b.c.d} in {@code text[from, to)} into {@code out[at, at + 4)}. */
    private static boolean parseDottedQuad(final String text, final int from, final int to, final byte[] out,
                                           final int at) {
        int octets = 0;
        int i = from;
        while (octets < IPV4_LENGTH) {
            final int start = i;
            int value = 0;
            while (i < to && i - start < 3 && isAsciiDigit(text.charAt(i))) {
                value = value * 10 + (text.charAt(i) - '0');
                i++;
            }
            final int digits = i - start;
            if (digits == 0 || value > 255 || (digits > 1 && text.charAt(start) == '0')) {
                return false; // no digits, out of range, or a leading zero (ambiguous: octal in some parsers)
            }
            out[at + octets++] = (byte) value;
            if (octets < IPV4_LENGTH) {
                if (i >= to || text.charAt(i) != '.') {
                    return false;
                }
                i++;
            }
        }
        return i == to;
    }

    // ASCII only: Character.isDigit/digit accept other scripts' digits, which no IP literal or pin contains.
    private static boolean isAsciiDigit(final char c) {
        return c >= '0' && c <= '9';
    }

    /** The value of an ASCII hex digit, or -1. */
    static int hexDigit(final char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
