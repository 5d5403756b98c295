package io.derpring.server;

import io.derpring.internal.metrics.Counters;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The plain-HTTP side port ({@code --http-listen}), as derper's {@code -http-port} mux: {@code /generate_204} is
 * answered as on the DERP port (captive-portal checks must work before TLS does), and everything else is sent to
 * HTTPS as Go's {@code tsweb.Port80Handler} does: GET and HEAD get {@code 302 Found} to
 * {@code https://<Host><request-target>}, other methods {@code 400 Use HTTPS}. Deliberate differences: derper passes
 * {@code /debug} paths to its debug pages, which derpring does not have (they are redirected like the rest), and a
 * missing or malformed Host header is a 400 here as in Go's {@code net/http} server, so nothing unchecked reaches
 * the Location header.
 */
final class HttpsRedirect implements BoundedHttpHandler.Responder {
    static final String NO_CONTENT_PATH = "/generate_204";
    static final String USE_HTTPS_BODY = "Use HTTPS\n";
    /** DNS names are at most 253 characters; a port and brackets fit in the rest. */
    static final int MAX_HOST_LENGTH = 300;

    private final Counters<ServerCounter> counters;

    HttpsRedirect(final Counters<ServerCounter> counters) {
        this.counters = counters;
    }

    @Override
    public FullHttpResponse respond(final FullHttpRequest request, final String path) {
        if (path.equals(NO_CONTENT_PATH)) {
            counters.increment(ServerCounter.HTTP_NO_CONTENT);
            return HttpRouter.noContent(request.headers().get(HttpRouter.CHALLENGE_HEADER));
        }
        final HttpMethod method = request.method();
        if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
            return BoundedHttpHandler.response(HttpResponseStatus.BAD_REQUEST, USE_HTTPS_BODY, "text/plain; charset=utf-8");
        }
        final String host = request.headers().get(HttpHeaderNames.HOST);
        if (host == null || !isValidHost(host)) {
            counters.increment(ServerCounter.HTTP_BAD_REQUESTS);
            return BoundedHttpHandler.plain(HttpResponseStatus.BAD_REQUEST, "missing or malformed Host header\n");
        }
        counters.increment(ServerCounter.HTTP_REDIRECTS);
        final String target = "https://" + host + hexEscapeNonAscii(request.uri());
        // net/http Redirect: an HTML link for GET only; HEAD gets the same headers and no body.
        final FullHttpResponse r = BoundedHttpHandler.response(HttpResponseStatus.FOUND,
            method.equals(HttpMethod.GET) ? "<a href=\"" + htmlEscape(target) + "\">Found</a>.\n\n" : "",
            "text/html; charset=utf-8");
        r.headers().set(HttpHeaderNames.LOCATION, target);
        return r;
    }

    /** A host name, IPv4 or bracketed IPv6 address, with an optional port: nothing that could split a header. */
    static boolean isValidHost(final String host) {
        if (host.isEmpty() || host.length() > MAX_HOST_LENGTH) {
            return false;
        }
        for (int i = 0; i < host.length(); i++) {
            final char c = host.charAt(i);
            final boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '-' || c == '_' || c == ':' || c == '[' || c == ']';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * Go's {@code hexEscapeNonASCII}, widened to control characters: bytes outside printable ASCII (the decoder reads
     * them as ISO-8859-1) become %XX, so the Location header holds only what a header value may.
     */
    static String hexEscapeNonAscii(final String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            if (c > 0x20 && c < 0x7f) {
                if (b != null) {
                    b.append(c);
                }
                continue;
            }
            if (b == null) {
                b = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            b.append('%').append(Character.toUpperCase(Character.forDigit((c >> 4) & 0xf, 16)))
                .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
        }
        return b == null ? s : b.toString();
    }

    /** Go's {@code htmlEscape} ({@code html.EscapeString} set): the five characters that matter in an attribute. */
    static String htmlEscape(final String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&#34;")
            .replace("'", "&#39;");
    }
}
