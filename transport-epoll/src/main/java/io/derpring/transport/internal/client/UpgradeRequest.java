package io.derpring.transport.internal.client;

import java.nio.charset.StandardCharsets;

/**
 * The HTTP/1.1 request that turns a TCP (or TLS) stream into a DERP connection (SPEC §2.6; derphttp_client.go
 * connect). Header order is Go's {@code req.Write}: Host, User-Agent, then the rest sorted by name, so with Go's
 * User-Agent the bytes equal the vectors' {@code client_request_example} exactly:
 * <pre>
 * GET /derp HTTP/1.1\r\n
 * Host: derp1.example.test\r\n
 * User-Agent: Go-http-client/1.1\r\n
 * Connection: Upgrade\r\n
 * Derp-Fast-Start: 1\r\n          (fast start only)
 * Ideal-Node: 1a\r\n              (only when dialing a node other than Nodes[0])
 * Upgrade: DERP\r\n
 * \r\n
 * </pre>
 */
final class UpgradeRequest {
    static final String PATH = "/derp";
    /** derp.go FastStartHeader. */
    static final String FAST_START_HEADER = "Derp-Fast-Start";
    /** derp.go IdealNodeHeader. */
    static final String IDEAL_NODE_HEADER = "Ideal-Node";

    private UpgradeRequest() {
    }

    /**
     * @param hostHeader the URL host: HostName, plus {@code :port} when the port is not the scheme's default
     * @param idealNode  {@code Nodes[0].Name}, or null
     */
    static byte[] encode(final String hostHeader, final String userAgent, final String idealNode,
                         final boolean fastStart) {
        final StringBuilder s = new StringBuilder(160);
        s.append("GET ").append(PATH).append(" HTTP/1.1\r\n");
        s.append("Host: ").append(hostHeader).append("\r\n");
        s.append("User-Agent: ").append(userAgent).append("\r\n");
        s.append("Connection: Upgrade\r\n");
        if (fastStart) {
            s.append(FAST_START_HEADER).append(": 1\r\n");
        }
        if (idealNode != null) {
            s.append(IDEAL_NODE_HEADER).append(": ").append(idealNode).append("\r\n");
        }
        s.append("Upgrade: DERP\r\n\r\n");
        return s.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The Host header: the port is shown only when it is not the scheme's default (443 for https, 80 for http). */
    static String hostHeader(final String hostName, final int port, final boolean tls) {
        final int defaultPort = tls ? 443 : 80;
        return port == defaultPort ? hostName : hostName + ':' + port;
    }
}
