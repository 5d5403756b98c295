package io.derpring.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

import io.derpring.derpmap.IpLiteral;
import picocli.CommandLine;

/**
 * {@code --stun}: {@code off}, or {@code IP:PORT} with an IP literal ({@code 127.0.0.1:3478}, {@code [::1]:3478}) or
 * none ({@code :3478}, every interface). A host name is refused rather than looked up: the STUN code makes no DNS
 * query, not even at start-up (SPEC §5.9's anti-leak rule).
 */
final class StunText implements CommandLine.ITypeConverter<StunText.Choice> {
    /** What was asked: an address, or {@link #OFF}. No option at all means derper's default instead. */
    record Choice(InetSocketAddress address) {
    }

    static final Choice OFF = new Choice(null);

    @Override
    public Choice convert(final String text) throws UnknownHostException {
        if (text.equalsIgnoreCase("off")) {
            return OFF;
        }
        final int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new CommandLine.TypeConversionException("expected IP:PORT or off, got '" + text + "'");
        }
        final int port = port(text.substring(colon + 1), text);
        final String host = text.substring(0, colon);
        if (host.isEmpty()) {
            return new Choice(new InetSocketAddress(port));
        }
        final byte[] ip = host.startsWith("[") && host.endsWith("]")
            ? IpLiteral.parseIpv6(host.substring(1, host.length() - 1)) : IpLiteral.parseIpv4(host);
        if (ip == null) {
            throw new CommandLine.TypeConversionException("'" + host + "' is not an IP address (IPv6 in brackets); "
                + "--stun takes no host names, so that no DNS lookup happens");
        }
        return new Choice(new InetSocketAddress(InetAddress.getByAddress(ip), port));
    }

    private static int port(final String digits, final String text) {
        try {
            final int port = Integer.parseInt(digits);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (final NumberFormatException e) {
            // reported below
        }
        throw new CommandLine.TypeConversionException("bad port in '" + text + "': need 0..65535");
    }
}
