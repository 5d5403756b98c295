package io.derpring.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.stream.Stream;

import io.derpring.keys.NodeKey;
import io.derpring.server.AdmitClientJson.Answer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** tailcfg's DERPAdmitClientRequest / DERPAdmitClientResponse as Go's encoding/json writes and reads them. */
class AdmitClientJsonTest {
    private static final NodeKey KEY = NodeKey.parse("nodekey:" + "0123456789abcdef".repeat(4));

    @Test
    @DisplayName("the request is Go's bytes: NodePublic then Source, compact, the key's text form")
    void requestIsGosBytes() throws Exception {
        assertThat(new String(AdmitClientJson.request(KEY, InetAddress.getByName("192.0.2.7")), UTF_8))
            .isEqualTo("{\"NodePublic\":\"nodekey:" + "0123456789abcdef".repeat(4) + "\",\"Source\":\"192.0.2.7\"}");
    }

    @Test
    @DisplayName("IPv6 sources are written compressed, as netip.Addr marshals")
    void ipv6SourceIsCompressed() throws Exception {
        assertThat(new String(AdmitClientJson.request(KEY, InetAddress.getByName("::1")), UTF_8))
            .endsWith(",\"Source\":\"::1\"}");
    }

    @Test
    @DisplayName("no source address is Go's zero netip.Addr: the empty string")
    void missingSourceIsEmptyString() {
        assertThat(new String(AdmitClientJson.request(KEY, null), UTF_8)).endsWith(",\"Source\":\"\"}");
    }

    static Stream<Arguments> answers() {
        return Stream.of(
            Arguments.of("{\"Allow\":true}", Answer.ALLOW),
            Arguments.of("{\"Allow\":true}\n", Answer.ALLOW), // Go's json.Encoder ends with a newline
            Arguments.of("{ \"allow\" : true }", Answer.ALLOW), // Go matches keys case-insensitively
            Arguments.of("{\"Allow\":true,\"Extra\":[1,2]}", Answer.ALLOW), // unknown keys ignored
            Arguments.of("{\"Allow\":true} trailing", Answer.ALLOW), // Decode reads the first value only
            Arguments.of("{\"Allow\":false}", Answer.DENY),
            Arguments.of("{}", Answer.DENY), // Allow missing: Go's zero value
            Arguments.of("{\"Allow\":null}", Answer.DENY),
            Arguments.of("null", Answer.DENY),
            Arguments.of("{\"Allow\":\"true\"}", Answer.MALFORMED), // Go: UnmarshalTypeError
            Arguments.of("{\"Allow\":1}", Answer.MALFORMED),
            Arguments.of("true", Answer.MALFORMED),
            Arguments.of("[{\"Allow\":true}]", Answer.MALFORMED),
            Arguments.of("", Answer.MALFORMED), // Go: EOF
            Arguments.of("   ", Answer.MALFORMED),
            Arguments.of("{\"Allow\":true", Answer.MALFORMED), // cut (e.g. at the 4 KiB limit)
            Arguments.of("<html>ok</html>", Answer.MALFORMED));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("answers")
    @DisplayName("answers read as Go's json.Decoder.Decode into DERPAdmitClientResponse")
    void answerReadsAsGoDoes(final String body, final Answer expected) {
        final byte[] bytes = body.getBytes(UTF_8);
        assertThat(AdmitClientJson.answer(bytes, bytes.length)).isEqualTo(expected);
    }
}
