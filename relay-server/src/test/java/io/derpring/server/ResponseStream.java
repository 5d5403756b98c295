package io.derpring.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import io.derpring.internal.frame.FrameHeaderFlyweight;
import io.derpring.internal.frame.FrameType;
import io.netty.handler.codec.http.HttpMethod;

/**
 * A strict reader of what the DERP port wrote on one connection: HTTP/1.1 responses (RFC 9112 §4, §5, §6), each with
 * exactly one {@code Content-Length} that frames its body (none on a 204, RFC 9110 §8.6), then, after a 101 or a fast-start upgrade, whole DERP
 * frames starting with ServerKey (SPEC §2.2, §2.6). Anything else fails with {@link AssertionError} naming the offset.
 */
final class ResponseStream {
    /** RFC 9112 §4 status-line, with the HTTP/1.1 version derpring always answers with. */
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.1 [1-5][0-9][0-9] [\\x20-\\x7e]*");
    /** RFC 9110 §5.1 field-name (token) and §5.5 field-value of visible ASCII and spaces. */
    private static final Pattern HEADER_LINE = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+: [\\x20-\\x7e]*");
    private static final int MAX_CONTENT_LENGTH_DIGITS = 9;

    /** The status codes of the HTTP responses read, in order. */
    final List<Integer> statuses = new ArrayList<>();
    /** DERP frame types read after the upgrade, in order. */
    final List<Integer> derpFrames = new ArrayList<>();
    boolean upgraded;
    boolean closeAnnounced;

    private final byte[] bytes;
    private int pos;

    private ResponseStream(final byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * Reads every byte of {@code written}.
     *
     * @param requestMethods the methods of the requests, in order (an answer to HEAD has no body)
     * @param fastStarted    whether the relay counted a fast-start upgrade (DERP begins without a 101)
     */
    static ResponseStream read(final byte[] written, final List<HttpMethod> requestMethods, final boolean fastStarted) {
        final ResponseStream s = new ResponseStream(written);
        while (s.pos < written.length && !s.upgraded) {
            if (fastStarted && written[s.pos] == FrameType.SERVER_KEY) {
                s.upgraded = true;
                break;
            }
            if (s.closeAnnounced) {
                throw s.fail("bytes after a response that announced Connection: close");
            }
            final int index = s.statuses.size();
            s.response(index < requestMethods.size() ? requestMethods.get(index) : null);
        }
        if (s.upgraded) {
            s.derpFrames();
        }
        return s;
    }

    private void response(final HttpMethod method) {
        final String statusLine = line();
        if (!STATUS_LINE.matcher(statusLine).matches()) {
            throw fail("malformed status line '" + statusLine + "'");
        }
        final int status = Integer.parseInt(statusLine.substring(9, 12));
        long contentLength = -1;
        boolean upgradeDerp = false;
        for (String header = line(); !header.isEmpty(); header = line()) {
            if (!HEADER_LINE.matcher(header).matches()) {
                throw fail("malformed header line '" + header + "'");
            }
            final int colon = header.indexOf(':');
            final String name = header.substring(0, colon).toLowerCase(Locale.ROOT);
            final String value = header.substring(colon + 2);
            if (name.equals("content-length")) {
                if (contentLength >= 0) {
                    throw fail("two Content-Length headers");
                }
                if (!value.matches("[0-9]{1," + MAX_CONTENT_LENGTH_DIGITS + "}")) {
                    throw fail("bad Content-Length '" + value + "'");
                }
                contentLength = Long.parseLong(value);
            } else if (name.equals("transfer-encoding")) {
                throw fail("Transfer-Encoding: derpring's answers are Content-Length framed");
            } else if (name.equals("connection") && value.equalsIgnoreCase("close")) {
                closeAnnounced = true;
            } else if (name.equals("upgrade") && value.equals("DERP")) {
                upgradeDerp = true;
            }
        }
        statuses.add(status);
        if (status == 101) {
            if (!upgradeDerp) {
                throw fail("101 without Upgrade: DERP");
            }
            upgraded = true;
            return;
        }
        if (status == 204) {
            if (contentLength >= 0) {
                throw fail("204 with Content-Length (RFC 9110 §8.6)");
            }
            return;
        }
        if (contentLength < 0) {
            throw fail("status " + status + " without Content-Length");
        }
        final boolean noBody = HttpMethod.HEAD.equals(method) || status == 304;
        final long body = noBody ? 0 : contentLength;
        if (pos + body > bytes.length) {
            throw fail("body of " + body + " bytes cut short");
        }
        pos += (int) body;
    }

    /** After the upgrade: whole frames only, ServerKey first. */
    private void derpFrames() {
        while (pos < bytes.length) {
            if (bytes.length - pos < FrameHeaderFlyweight.HEADER_LENGTH) {
                throw fail("partial DERP frame header");
            }
            final int type = bytes[pos] & 0xFF;
            final long length = ((bytes[pos + 1] & 0xFFL) << 24) | ((bytes[pos + 2] & 0xFF) << 16)
                | ((bytes[pos + 3] & 0xFF) << 8) | (bytes[pos + 4] & 0xFF);
            if (derpFrames.isEmpty() && type != FrameType.SERVER_KEY) {
                throw fail("first DERP frame is type " + type + ", not ServerKey");
            }
            if (bytes.length - pos - FrameHeaderFlyweight.HEADER_LENGTH < length) {
                throw fail("partial DERP frame of type " + type);
            }
            derpFrames.add(type);
            pos += FrameHeaderFlyweight.HEADER_LENGTH + (int) length;
        }
    }

    /** One CRLF-terminated line (RFC 9112 §2.2: a server sends CRLF, never a bare LF). */
    private String line() {
        for (int i = pos; i + 1 < bytes.length; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                final String line = new String(bytes, pos, i - pos, ISO_8859_1);
                pos = i + 2;
                return line;
            }
            if (bytes[i] == '\n') {
                throw fail("bare LF");
            }
        }
        throw fail("unterminated line");
    }

    private AssertionError fail(final String what) {
        return new AssertionError("ill-formed output at byte " + pos + " of " + bytes.length + ": " + what);
    }
}
