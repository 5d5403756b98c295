package io.derpring.transport.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.derpring.testing.Fuzzing;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The client's reader of the server's upgrade response ({@link UpgradeResponseHead}, SPEC §2.6) on attacker-chosen
 * bytes in attacker-chosen reads: it takes exactly the bytes up to and including the first blank line (what follows
 * is DERP), never more than its limit, and either completes with a three-digit status or fails with
 * {@code UPGRADE_MALFORMED} and a short printable message, never another exception. Byte 0 picks the read size
 * (1..64), byte 1 the head limit (64 + 4 × byte, so the minimum the settings allow is covered); the rest is what the
 * server sent. The corpus (UpgradeResponseHeadFuzzTestInputs/) holds the vectors' 101 (followed by the ServerKey
 * frame), Go's 426, a head at the limit and malformed status lines; it runs as a regression test in the normal
 * build. Set JAZZER_FUZZ=1 to fuzz.
 */
class UpgradeResponseHeadFuzzTest {
    private static final byte[] BLANK_LINE = {'\r', '\n', '\r', '\n'};
    /** The smallest head limit {@link DerpClientSettings} accepts. */
    private static final int MIN_HEAD_LIMIT = 64;
    private static final int HEAD_LIMIT_STEP = 4;
    private static final int MAX_READ = 64;
    /** {@link UpgradeResponseHead#printable} keeps this many chars of server text, plus our own words. */
    private static final int MAX_MESSAGE_CHARS = 200;

    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
    void headIsTakenExactlyOrRefusedWithATypedError(final byte[] input) {
        if (input.length < 2) {
            return;
        }
        final int read = 1 + Math.floorMod(input[0], MAX_READ);
        final int limit = MIN_HEAD_LIMIT + HEAD_LIMIT_STEP * (input[1] & 0xFF);
        final byte[] sent = Arrays.copyOfRange(input, 2, input.length);
        final int headEnd = endOfFirstBlankLine(sent);

        final UpgradeResponseHead head = new UpgradeResponseHead(limit);
        int taken = 0;
        DerpConnectionException refused = null;
        while (taken < sent.length && !head.isComplete()) {
            final int n = Math.min(read, sent.length - taken);
            // an exactly-sized copy: a read outside the chunk throws IndexOutOfBoundsException
            final UnsafeBuffer chunk = new UnsafeBuffer(Arrays.copyOfRange(sent, taken, taken + n));
            final int consumed;
            try {
                consumed = head.onData(chunk, 0, n);
            } catch (final DerpConnectionException e) {
                refused = e;
                break;
            }
            assertThat(consumed).isBetween(0, n);
            if (!head.isComplete()) {
                assertThat(consumed).as("an incomplete head takes the whole read").isEqualTo(n);
            }
            taken += consumed;
        }

        if (refused != null) {
            assertThat(refused.failure()).isEqualTo(DerpConnectionException.Failure.UPGRADE_MALFORMED);
            assertThat(refused.getMessage()).hasSizeLessThanOrEqualTo(MAX_MESSAGE_CHARS)
                .matches("[\\x20-\\x7e]*");
            if (headEnd < 0 || headEnd > limit) {
                assertThat(sent.length).as("refused as too long only past the limit").isGreaterThan(limit);
            } else {
                assertThat(refused.getMessage()).as("a head within the limit is refused for its status line")
                    .startsWith("malformed HTTP status");
            }
            return;
        }
        assertThat(taken).as("bytes taken").isLessThanOrEqualTo(limit);
        if (head.isComplete()) {
            assertThat(taken).as("the head ends at the first blank line").isEqualTo(headEnd);
            assertThat(head.statusCode()).isBetween(0, 999);
            assertThat(head.statusLine()).startsWith("HTTP/1.").doesNotContain("\r", "\n");
            assertThat(head.statusLine().substring(9, 12)).isEqualTo(String.format("%03d", head.statusCode()));
        } else {
            assertThat(headEnd).as("no blank line in what was sent").isNegative();
            assertThat(taken).isEqualTo(sent.length);
        }
    }

    /** Index just past the first CRLF CRLF, or -1. */
    private static int endOfFirstBlankLine(final byte[] b) {
        for (int i = 0; i + BLANK_LINE.length <= b.length; i++) {
            if (Arrays.equals(b, i, i + BLANK_LINE.length, BLANK_LINE, 0, BLANK_LINE.length)) {
                return i + BLANK_LINE.length;
            }
        }
        return -1;
    }
}
