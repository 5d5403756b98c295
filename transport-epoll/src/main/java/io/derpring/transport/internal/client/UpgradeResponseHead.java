package io.derpring.transport.internal.client;

import java.nio.charset.StandardCharsets;

import org.agrona.DirectBuffer;

/**
 * Collects the server's HTTP response head (status line and headers, up to the blank line) and reads its status
 * code. Only the status matters to a DERP client: 101 means the stream is now DERP; anything else is Go's
 * "GET failed" (SPEC §2.6). Headers are not interpreted (Go's client ignores Derp-Version and Derp-Public-Key too).
 *
 * <p>Once per connection, so it may allocate; bounded by the head limit it is given.
 */
final class UpgradeResponseHead {
    static final int STATUS_SWITCHING_PROTOCOLS = 101;

    private final byte[] head;
    private int filled;
    private int statusCode;
    private String statusLine;

    UpgradeResponseHead(final int maxHeadBytes) {
        this.head = new byte[maxHeadBytes];
    }

    /**
     * Takes bytes until the head is complete.
     *
     * @return the bytes taken from {@code src}: all of them while the head is incomplete ({@link #isComplete()}
     * false), else those up to and including the blank line (what follows is already DERP frames)
     * @throws DerpConnectionException {@code UPGRADE_MALFORMED} if the head exceeds the limit or has no valid status line
     */
    int onData(final DirectBuffer src, final int offset, final int length) throws DerpConnectionException {
        for (int i = 0; i < length; i++) {
            if (filled == head.length) {
                throw new DerpConnectionException(DerpConnectionException.Failure.UPGRADE_MALFORMED,
                    "HTTP response head longer than " + head.length + " bytes");
            }
            head[filled++] = src.getByte(offset + i);
            if (filled >= 4 && head[filled - 1] == '\n' && head[filled - 2] == '\r' && head[filled - 3] == '\n'
                && head[filled - 4] == '\r') {
                parseStatusLine();
                return i + 1;
            }
        }
        return length;
    }

    boolean isComplete() {
        return statusLine != null;
    }

    int statusCode() {
        return statusCode;
    }

    String statusLine() {
        return statusLine;
    }

    /** {@code HTTP/1.x SP 3DIGIT [SP reason]}. */
    private void parseStatusLine() throws DerpConnectionException {
        int end = 0;
        // RFC 9112 §2.2: a recipient may take a bare LF as a line end (Go's textproto does); without this, a bare LF
        // pulled the next header lines into the status line (found by UpgradeResponseHeadFuzzTest).
        while (end < filled && head[end] != '\r' && head[end] != '\n') {
            end++;
        }
        final String line = new String(head, 0, end, StandardCharsets.ISO_8859_1);
        if (!line.startsWith("HTTP/1.") || line.length() < 12 || line.charAt(8) != ' '
            || (line.length() > 12 && line.charAt(12) != ' ')) {
            throw new DerpConnectionException(DerpConnectionException.Failure.UPGRADE_MALFORMED,
                "malformed HTTP status line: " + printable(line));
        }
        int code = 0;
        for (int i = 9; i < 12; i++) {
            final char c = line.charAt(i);
            if (c < '0' || c > '9') {
                throw new DerpConnectionException(DerpConnectionException.Failure.UPGRADE_MALFORMED,
                    "malformed HTTP status code: " + printable(line));
            }
            code = code * 10 + (c - '0');
        }
        statusCode = code;
        statusLine = line;
    }

    /** Server text goes into exception messages: keep it short and printable. */
    static String printable(final String text) {
        final int max = 120;
        final StringBuilder s = new StringBuilder(Math.min(text.length(), max));
        for (int i = 0; i < text.length() && i < max; i++) {
            final char c = text.charAt(i);
            s.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return s.toString();
    }
}
