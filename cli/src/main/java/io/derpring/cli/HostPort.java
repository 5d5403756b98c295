package io.derpring.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

import io.derpring.runtime.InvalidConfigException;
import picocli.CommandLine;

/**
 * {@code HOST:PORT} for listen addresses: {@code 127.0.0.1:3340}, {@code [::1]:3340}, {@code :3340} (every
 * interface), or a name. An IPv6 address needs brackets, or its colons would be ambiguous with the port's.
 */
final class HostPort implements CommandLine.ITypeConverter<InetSocketAddress> {
    @Override
    public InetSocketAddress convert(final String text) {
        return parse(text);
    }

    static InetSocketAddress parse(final String text) {
        final int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new InvalidConfigException("expected HOST:PORT, got '" + text + "'");
        }
        String host = text.substring(0, colon);
        final int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (final NumberFormatException e) {
            throw new InvalidConfigException("bad port in '" + text + "'");
        }
        InvalidConfigException.requireInRange("port", port, 0, 65535);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new InvalidConfigException("IPv6 addresses need brackets: [" + host + "]:" + port);
        }
        if (host.isEmpty()) {
            return new InetSocketAddress(port);
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (final UnknownHostException e) {
            throw new InvalidConfigException("unknown host '" + host + "'");
        }
    }

    /** {@code HOST:PORT}, or {@code off} for none (null). */
    static final class OrOff implements CommandLine.ITypeConverter<InetSocketAddress> {
        @Override
        public InetSocketAddress convert(final String text) {
            return text.equalsIgnoreCase("off") ? null : parse(text);
        }
    }
}
