package io.derpring.transport.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** What {@link UpgradeResponseHeadFuzzTest} found, pinned by name. */
class UpgradeResponseHeadFindingsTest {

    /**
     * Found by fuzzing: the status line ran to the first CR, so a bare LF (which RFC 9112 §2.2 lets a recipient take
     * as a line end, as Go's textproto does) pulled the next header lines into the status line and its message.
     */
    @Test
    void statusLineEndsAtABareLineFeed() throws Exception {
        final byte[] sent = "HTTP/1.1 101 Switching Protocols\nUpgrade: DERP\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        final UpgradeResponseHead head = new UpgradeResponseHead(1024);
        assertThat(head.onData(new UnsafeBuffer(sent), 0, sent.length)).isEqualTo(sent.length);
        assertThat(head.isComplete()).isTrue();
        assertThat(head.statusLine()).isEqualTo("HTTP/1.1 101 Switching Protocols");
        assertThat(head.statusCode()).isEqualTo(101);
    }
}
