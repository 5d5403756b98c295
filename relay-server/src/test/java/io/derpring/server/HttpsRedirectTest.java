package io.derpring.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The plain-HTTP port's redirect target: what may reach the Location header. */
class HttpsRedirectTest {
    @Test
    void hostsAtAndBelowTheLengthLimitAreValidAndAboveIsNot() {
        assertThat(HttpsRedirect.isValidHost("a".repeat(HttpsRedirect.MAX_HOST_LENGTH))).isTrue();
        assertThat(HttpsRedirect.isValidHost("a".repeat(HttpsRedirect.MAX_HOST_LENGTH - 1))).isTrue();
        assertThat(HttpsRedirect.isValidHost("a".repeat(HttpsRedirect.MAX_HOST_LENGTH + 1))).isFalse();
    }

    @Test
    void namesAddressesAndPortsAreValidHosts() {
        assertThat(HttpsRedirect.isValidHost("derp.example.com")).isTrue();
        assertThat(HttpsRedirect.isValidHost("192.0.2.1:80")).isTrue();
        assertThat(HttpsRedirect.isValidHost("[2001:db8::1]:80")).isTrue();
    }

    @Test
    void anythingThatCouldLeaveTheHeaderOrTheUrlIsNotAValidHost() {
        for (final String bad : new String[] {"", "a b", "a/b", "a\"b", "a@b", "a\rb", "a\u00e9"}) {
            assertThat(HttpsRedirect.isValidHost(bad)).as(bad).isFalse();
        }
    }

    @Test
    void bytesOutsidePrintableAsciiAreHexEscapedAsGoDoes() {
        assertThat(HttpsRedirect.hexEscapeNonAscii("/a?b=c")).isEqualTo("/a?b=c");
        assertThat(HttpsRedirect.hexEscapeNonAscii("/\u00c3\u00a9\u0001")).isEqualTo("/%C3%A9%01");
    }

    @Test
    void theHtmlLinkEscapesWhatGoEscapes() {
        assertThat(HttpsRedirect.htmlEscape("a&b<c>d\"e'f")).isEqualTo("a&amp;b&lt;c&gt;d&#34;e&#39;f");
    }
}
