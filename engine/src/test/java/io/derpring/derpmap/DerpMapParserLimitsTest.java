package io.derpring.derpmap;

import static io.derpring.derpmap.TestMaps.oneNodeMap;
import static io.derpring.derpmap.TestMaps.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

/** Input-size limits of {@link DerpMapParser}, each tested at, below and above, so a hostile map can't exhaust memory. */
class DerpMapParserLimitsTest {
    private static final String VALID = oneNodeMap().toString();
    private static final int MAX = DerpMapParser.MAX_MAP_JSON_BYTES;

    /** The valid one-node map followed by spaces up to exactly {@code totalBytes}. */
    private static byte[] paddedTo(final int totalBytes) {
        final byte[] doc = Arrays.copyOf(utf8(VALID), totalBytes);
        Arrays.fill(doc, VALID.length(), totalBytes, (byte) ' ');
        return doc;
    }

    @Test
    void documentOfExactlyMaxBytesIsAccepted() {
        assertThat(DerpMapParser.parse(paddedTo(MAX)).regions()).hasSize(1);
    }

    @Test
    void documentOfMaxMinusOneBytesIsAccepted() {
        assertThat(DerpMapParser.parse(paddedTo(MAX - 1)).regions()).hasSize(1);
    }

    @Test
    void documentOfMaxPlusOneBytesIsRejected() {
        assertThatThrownBy(() -> DerpMapParser.parse(paddedTo(MAX + 1))).isInstanceOf(DerpMapException.class)
            .hasMessageContaining((MAX + 1) + " bytes, more than " + MAX);
    }

    @Test
    void stringInputIsLimitedByItsUtf8Length() {
        assertThat(DerpMapParser.parse(new String(paddedTo(MAX), java.nio.charset.StandardCharsets.UTF_8)))
            .isNotNull();
        // 2-byte UTF-8 characters in an unknown field: under MAX chars but over MAX bytes.
        final String wide = VALID.substring(0, VALID.length() - 1) + ",\"Pad\":\""
            + "\u00e9".repeat(MAX / 2) + "\"}";
        assertThat(wide.length()).isLessThan(MAX);
        assertThatThrownBy(() -> DerpMapParser.parse(wide)).isInstanceOf(DerpMapException.class)
            .hasMessageContaining("more than " + MAX);
        assertThatThrownBy(() -> DerpMapParser.parse(" ".repeat(MAX + 1))).isInstanceOf(DerpMapException.class)
            .hasMessageContaining("more than " + MAX);
    }

    @Test
    void streamOfExactlyMaxBytesIsAcceptedAndOneMoreIsRejected() throws IOException {
        assertThat(DerpMapParser.parse(new ByteArrayInputStream(paddedTo(MAX))).regions()).hasSize(1);
        assertThat(DerpMapParser.parse(new ByteArrayInputStream(paddedTo(MAX - 1))).regions()).hasSize(1);
        assertThatThrownBy(() -> DerpMapParser.parse(new ByteArrayInputStream(paddedTo(MAX + 1))))
            .isInstanceOf(DerpMapException.class).hasMessageContaining("more than " + MAX);
    }

    @Test
    void endlessStreamIsRejectedAfterReadingOneByteMoreThanTheLimit() {
        final long[] served = {0};
        final InputStream endless = new InputStream() {
            @Override
            public int read() {
                served[0]++;
                return ' ';
            }

            @Override
            public int read(final byte[] b, final int off, final int len) {
                Arrays.fill(b, off, off + len, (byte) ' ');
                served[0] += len;
                return len;
            }
        };
        assertThatThrownBy(() -> DerpMapParser.parse(endless)).isInstanceOf(DerpMapException.class);
        assertThat(served[0]).isEqualTo(MAX + 1L);
    }

    /** {@code {"Pad":[0,0,...]}} with {@code zeros} elements has zeros + 5 tokens. */
    private static String tokens(final long total) {
        final int zeros = (int) (total - 5);
        final StringBuilder sb = new StringBuilder("{\"Pad\":[");
        for (int i = 0; i < zeros; i++) {
            sb.append(i == 0 ? "0" : ",0");
        }
        return sb.append("]}").toString();
    }

    @Test
    void tokenCountAtBelowAndAboveTheLimit() {
        final long max = DerpMapParser.MAX_JSON_TOKENS;
        assertThat(DerpMapParser.parse(tokens(max - 1)).regions()).isEmpty();
        assertThat(DerpMapParser.parse(tokens(max)).regions()).isEmpty();
        assertThatThrownBy(() -> DerpMapParser.parse(tokens(max + 1))).isInstanceOf(DerpMapException.class)
            .hasMessageContaining("Token count");
    }

    /** Root object plus {@code depth - 1} nested arrays in an unknown field. */
    private static String nested(final int depth) {
        return "{\"Pad\":" + "[".repeat(depth - 1) + "]".repeat(depth - 1) + "}";
    }

    @Test
    void nestingDepthAtBelowAndAboveTheLimit() {
        final int max = DerpMapParser.MAX_JSON_NESTING_DEPTH;
        assertThat(DerpMapParser.parse(nested(max - 1)).regions()).isEmpty();
        assertThat(DerpMapParser.parse(nested(max)).regions()).isEmpty();
        assertThatThrownBy(() -> DerpMapParser.parse(nested(max + 1))).isInstanceOf(DerpMapException.class)
            .hasMessageContaining("nesting depth");
    }

    private static String unknownString(final int chars) {
        return "{\"Pad\":\"" + "s".repeat(chars) + "\"}";
    }

    @Test
    void stringLengthAtBelowAndAboveTheLimit() {
        final int max = DerpMapParser.MAX_JSON_STRING_CHARS;
        assertThat(DerpMapParser.parse(unknownString(max - 1))).isNotNull();
        assertThat(DerpMapParser.parse(unknownString(max))).isNotNull();
        assertThatThrownBy(() -> DerpMapParser.parse(unknownString(max + 1))).isInstanceOf(DerpMapException.class)
            .hasMessageContaining("String value length");
    }

    private static String unknownKey(final int chars) {
        return "{\"" + "k".repeat(chars) + "\":1}";
    }

    @Test
    void keyLengthAtBelowAndAboveTheLimit() {
        final int max = DerpMapParser.MAX_JSON_KEY_CHARS;
        assertThat(DerpMapParser.parse(unknownKey(max - 1))).isNotNull();
        assertThat(DerpMapParser.parse(unknownKey(max))).isNotNull();
        assertThatThrownBy(() -> DerpMapParser.parse(unknownKey(max + 1))).isInstanceOf(DerpMapException.class)
            .hasMessageContaining("Name length");
    }

    private static String unknownNumber(final int digits) {
        return "{\"Pad\":" + "9".repeat(digits) + "}";
    }

    @Test
    void numberLengthAtBelowAndAboveTheLimit() {
        final int max = DerpMapParser.MAX_JSON_NUMBER_CHARS;
        assertThat(DerpMapParser.parse(unknownNumber(max - 1))).isNotNull();
        assertThat(DerpMapParser.parse(unknownNumber(max))).isNotNull();
        assertThatThrownBy(() -> DerpMapParser.parse(unknownNumber(max + 1))).isInstanceOf(DerpMapException.class)
            .hasMessageContaining("Number value length");
    }

    @Test
    void nullInputIsATypedError() {
        assertThatThrownBy(() -> DerpMapParser.parse((byte[]) null)).isInstanceOf(DerpMapException.class);
        assertThatThrownBy(() -> DerpMapParser.parse((String) null)).isInstanceOf(DerpMapException.class);
    }
}
