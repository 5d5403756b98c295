package io.derpring.loadgen;

import java.net.URI;
import java.util.Locale;

import io.derpring.derpmap.DerpNode;
import io.derpring.derpmap.NodeAddress;
import io.derpring.derpmap.TransportSecurity;
import io.derpring.runtime.InvalidConfigException;
import io.derpring.transport.internal.client.DerpClientSettings;

/**
 * A relay given as a URL: {@code http://host:port} (plain HTTP, as {@code derper -dev}) or {@code https://host[:port]},
 * or the same as {@code ws://} / {@code wss://} for DERP over WebSocket (Go's client picks WebSocket by the scheme too).
 * The path is ignored: DERP clients always upgrade {@code /derp}. An IPv4 or IPv6 literal host is dialed as is (no
 * DNS); a name is resolved by the client's DNS step.
 *
 * @param tls       true for {@code https://} and {@code wss://}
 * @param host      the host as written, without IPv6 brackets
 * @param port      the port, or the scheme's default (80 / 443)
 * @param webSocket true for {@code ws://} and {@code wss://}: DERP inside WebSocket binary messages
 */
public record RelayUrl(boolean tls, String host, int port, boolean webSocket) {
    /** SPEC §2.6: plain DERP (derper -dev) defaults to port 80, TLS to 443. */
    public static final int DEFAULT_HTTP_PORT = 80;
    public static final int DEFAULT_HTTPS_PORT = 443;
    /**
     * A map's HostName can't hold an IPv6 literal (it is also the TLS name): IPv6 relays get this name and dial the
     * literal through the node's fixed IPv6 address.
     */
    static final String IPV6_LITERAL_HOST_NAME = "localhost";

    /** A relay reached with the DERP upgrade ({@code http://} / {@code https://}). */
    public RelayUrl(final boolean tls, final String host, final int port) {
        this(tls, host, port, false);
    }

    public static RelayUrl parse(final URI url) {
        final String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        final boolean tls = scheme.equals("https") || scheme.equals("wss");
        final boolean webSocket = scheme.equals("ws") || scheme.equals("wss");
        if (!tls && !webSocket && !scheme.equals("http")) {
            throw new InvalidConfigException("relay URL '" + url + "' must start with http://, https://, ws:// or "
                + "wss://");
        }
        String host = url.getHost();
        if (host == null || host.isEmpty()) {
            throw new InvalidConfigException("relay URL '" + url + "' has no host");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        final int port = url.getPort() >= 0 ? url.getPort() : tls ? DEFAULT_HTTPS_PORT : DEFAULT_HTTP_PORT;
        return new RelayUrl(tls, host, port, webSocket);
    }

    /** The DERP map node for this relay in region {@code regionId}. */
    public DerpNode node(final int regionId, final boolean insecure) {
        final boolean ipv6 = host.indexOf(':') >= 0;
        final boolean ipv4 = !ipv6 && isIpv4Literal(host);
        final String hostName = ipv6 ? IPV6_LITERAL_HOST_NAME : host;
        // A literal disables the other family ("none" is not an address) so nothing asks DNS.
        final NodeAddress v4 = NodeAddress.ipv4(ipv4 ? host : ipv6 ? "none" : "");
        final NodeAddress v6 = NodeAddress.ipv6(ipv6 ? host : ipv4 ? "none" : "");
        return new DerpNode("loadgen-" + regionId, regionId, hostName, "", v4, v6, DerpNode.STUN_DISABLED, false, port,
            tls && insecure, "", false);
    }

    /** The client settings for this relay: {@code base}, over WebSocket for a ws:// or wss:// URL. */
    public DerpClientSettings clientSettings(final DerpClientSettings base) {
        return webSocket == base.webSocket() ? base : base.toBuilder().webSocket(webSocket).build();
    }

    /** How a connection to this relay is secured: plain HTTP must be asked for; TLS follows the node. */
    public TransportSecurity securityOverride() {
        return tls ? null : new TransportSecurity.PlainHttp();
    }

    @Override
    public String toString() {
        final String h = host.indexOf(':') >= 0 ? '[' + host + ']' : host;
        return (webSocket ? (tls ? "wss://" : "ws://") : (tls ? "https://" : "http://")) + h + ':' + port;
    }

    private static boolean isIpv4Literal(final String host) {
        final String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (final String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }
}
