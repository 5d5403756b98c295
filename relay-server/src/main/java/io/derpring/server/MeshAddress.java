package io.derpring.server;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.derpring.runtime.InvalidConfigException;

/**
 * One entry of {@code --mesh-with} (derper's flag): where to dial a peer relay of the region.
 * <ul>
 *   <li>{@code HOST}: {@code https://HOST/derp} on port 443, as derper;</li>
 *   <li>{@code HOST/DIALHOST}: as derper, the peer is named (TLS name, Host header) HOST but dialed at DIALHOST;</li>
 *   <li>{@code http://HOST:PORT} or {@code https://HOST:PORT} (derpring, for tests and non-standard ports).</li>
 * </ul>
 *
 * @param name     the peer's name: TLS server name, Host header and metric label
 * @param dialHost where the TCP connection goes
 * @param port     TCP port
 * @param tls      true for https
 */
public record MeshAddress(String name, String dialHost, int port, boolean tls) {
    /** derper dials {@code https://HOST/derp}. */
    public static final int DEFAULT_HTTPS_PORT = 443;
    private static final int DEFAULT_HTTP_PORT = 80;

    /** Parses the comma-separated {@code --mesh-with} value; blanks between commas are skipped. */
    public static List<MeshAddress> parseList(final String csv) {
        final List<MeshAddress> out = new ArrayList<>();
        for (final String part : csv.split(",")) {
            final String p = part.trim();
            if (!p.isEmpty()) {
                out.add(parse(p));
            }
        }
        return out;
    }

    /** @throws InvalidConfigException naming the bad entry */
    public static MeshAddress parse(final String entry) {
        final String lower = entry.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            final URI uri;
            try {
                uri = new URI(entry);
            } catch (final URISyntaxException e) {
                throw new InvalidConfigException("bad mesh peer URL " + entry + ": " + e.getMessage());
            }
            if (uri.getHost() == null) {
                throw new InvalidConfigException("mesh peer URL without a host: " + entry);
            }
            final boolean tls = lower.startsWith("https://");
            final int port = uri.getPort() > 0 ? uri.getPort() : tls ? DEFAULT_HTTPS_PORT : DEFAULT_HTTP_PORT;
            final String host = stripBrackets(uri.getHost());
            return new MeshAddress(host, host, port, tls);
        }
        final int slash = entry.indexOf('/');
        final String name = slash < 0 ? entry : entry.substring(0, slash);
        final String dial = slash < 0 ? entry : entry.substring(slash + 1);
        if (name.isEmpty() || dial.isEmpty() || dial.indexOf('/') >= 0 || name.indexOf(':') >= 0) {
            throw new InvalidConfigException("bad mesh peer " + entry + ": expected HOST, HOST/DIALHOST or a URL");
        }
        return new MeshAddress(name, dial, DEFAULT_HTTPS_PORT, true);
    }

    private static String stripBrackets(final String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** The label used in logs and metrics: the name, plus the port when not 443. */
    public String label() {
        return tls && port == DEFAULT_HTTPS_PORT ? name : name + ":" + port;
    }
}
