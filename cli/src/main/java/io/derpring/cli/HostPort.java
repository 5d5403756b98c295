package io.derpring.cli;

import java.net.InetSocketAddress;

import io.derpring.server.RelayMain;
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
        return RelayMain.hostPort(text); // one parser for `derpring relay` and the relay's own launcher
    }

    /** {@code HOST:PORT}, or {@code off} for none (null). */
    static final class OrOff implements CommandLine.ITypeConverter<InetSocketAddress> {
        @Override
        public InetSocketAddress convert(final String text) {
            return text.equalsIgnoreCase("off") ? null : parse(text);
        }
    }
}
