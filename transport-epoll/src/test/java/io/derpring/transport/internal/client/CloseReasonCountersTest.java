package io.derpring.transport.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;

import io.derpring.internal.frame.DerpProtocolException;
import io.derpring.internal.frame.FrameError;
import org.junit.jupiter.api.Test;

/** Issue 16: every connection's end is counted under its typed reason, one counter per reason. */
class CloseReasonCountersTest {
    @Test
    void everyConnectionFailureHasItsOwnCounter() {
        final Set<ClientCounter> seen = EnumSet.noneOf(ClientCounter.class);
        for (final DerpConnectionException.Failure f : DerpConnectionException.Failure.values()) {
            final ClientCounter c = ClientCounter.closedBy(new DerpConnectionException(f, "test"));
            assertThat(c).as("%s", f).isNotEqualTo(ClientCounter.CLOSES_OTHER);
            assertThat(c.name()).startsWith("CLOSES_");
            assertThat(seen.add(c)).as("%s shares a counter", f).isTrue();
        }
    }

    @Test
    void aProtocolViolationIsCountedAsSuch() {
        assertThat(ClientCounter.closedBy(new DerpProtocolException(FrameError.values()[0], 0, 0)))
            .isEqualTo(ClientCounter.CLOSES_PROTOCOL_ERROR);
    }

    @Test
    void anythingElseIsOther() {
        assertThat(ClientCounter.closedBy(new IllegalStateException("x"))).isEqualTo(ClientCounter.CLOSES_OTHER);
        assertThat(ClientCounter.closedBy(null)).isEqualTo(ClientCounter.CLOSES_OTHER);
    }
}
