package io.derpring.internal.frame;

import static org.assertj.core.api.Assertions.assertThat;

import io.derpring.internal.frame.FrameRule.Verdict;
import org.junit.jupiter.api.Test;

/**
 * The building blocks of a side's frame table, each judged on its own. (The tables in {@link FrameRules} are built
 * once per JVM, so the readers' tests alone never see a rule being built.)
 */
class FrameRuleTest {
    private static final int TYPE = FrameType.SEND_PACKET;
    private static final int OTHER_TYPE = FrameType.PING;
    private static final boolean NOT_MESH = false;

    @Test
    void aSkipRuleSkipsAFrameOfAnyLength() {
        assertThat(FrameRule.skip().judge(TYPE, 0, NOT_MESH)).isEqualTo(Verdict.SKIP);
        assertThat(FrameRule.skip().judge(TYPE, Long.MAX_VALUE, NOT_MESH)).isEqualTo(Verdict.SKIP);
    }

    @Test
    void aSkipRuleStagesNothing() {
        assertThat(FrameRule.skip().stagedAtMost(1000)).isZero();
    }

    @Test
    void aDeliverRuleAcceptsAFrameOfAnyLength() {
        assertThat(FrameRule.deliver().judge(TYPE, 0, NOT_MESH)).isEqualTo(Verdict.ACCEPT);
        assertThat(FrameRule.deliver().judge(TYPE, Long.MAX_VALUE, NOT_MESH)).isEqualTo(Verdict.ACCEPT);
    }

    @Test
    void aDeliverRuleStagesUpToTheSideCeiling() {
        assertThat(FrameRule.deliver().stagedAtMost(1000)).isEqualTo(1000);
    }

    @Test
    void belowAFatalMinimumIsTooShortWithThatError() {
        final FrameRule rule = FrameRule.deliver().atLeast(8, FrameError.PING_TOO_SHORT);
        assertThat(rule.judge(TYPE, 7, NOT_MESH)).isEqualTo(Verdict.TOO_SHORT);
        assertThat(rule.judge(TYPE, 8, NOT_MESH)).isEqualTo(Verdict.ACCEPT);
        assertThat(rule.shortError).isEqualTo(FrameError.PING_TOO_SHORT);
        assertThat(rule.shortDrop).isNull();
    }

    @Test
    void belowADroppingMinimumIsTooShortWithThatDrop() {
        final FrameRule rule = FrameRule.deliver().atLeast(32, FrameDrop.PEER_GONE_TOO_SHORT);
        assertThat(rule.judge(TYPE, 31, NOT_MESH)).isEqualTo(Verdict.TOO_SHORT);
        assertThat(rule.judge(TYPE, 32, NOT_MESH)).isEqualTo(Verdict.ACCEPT);
        assertThat(rule.shortDrop).isEqualTo(FrameDrop.PEER_GONE_TOO_SHORT);
        assertThat(rule.shortError).isNull();
    }

    @Test
    void aboveAFatalMaximumIsTooLongWithThatError() {
        final FrameRule rule = FrameRule.deliver().atMost(64, FrameError.PING_TOO_LARGE);
        assertThat(rule.judge(TYPE, 65, NOT_MESH)).isEqualTo(Verdict.TOO_LONG);
        assertThat(rule.judge(TYPE, 64, NOT_MESH)).isEqualTo(Verdict.ACCEPT);
        assertThat(rule.longError).isEqualTo(FrameError.PING_TOO_LARGE);
        assertThat(rule.longDrop).isNull();
    }

    @Test
    void aboveADroppingMaximumIsTooLongWithThatDrop() {
        final FrameRule rule = FrameRule.deliver().atMost(64, FrameDrop.RECV_PACKET_TOO_LONG);
        assertThat(rule.judge(TYPE, 65, NOT_MESH)).isEqualTo(Verdict.TOO_LONG);
        assertThat(rule.judge(TYPE, 64, NOT_MESH)).isEqualTo(Verdict.ACCEPT);
        assertThat(rule.longDrop).isEqualTo(FrameDrop.RECV_PACKET_TOO_LONG);
        assertThat(rule.longError).isNull();
    }

    @Test
    void anExactLengthRuleRejectsOneByteShortAndOneByteLong() {
        final FrameRule rule = FrameRule.deliver().exactly(1, FrameError.NOTE_PREFERRED_WRONG_SIZE);
        assertThat(rule.judge(TYPE, 0, NOT_MESH)).isEqualTo(Verdict.TOO_SHORT);
        assertThat(rule.judge(TYPE, 1, NOT_MESH)).isEqualTo(Verdict.ACCEPT);
        assertThat(rule.judge(TYPE, 2, NOT_MESH)).isEqualTo(Verdict.TOO_LONG);
    }

    @Test
    void aFirstBytesRuleStagesOnlyThoseBytes() {
        final FrameRule rule = FrameRule.deliver().firstBytes(8);
        assertThat(rule.deliverLimit).isEqualTo(8);
        assertThat(rule.stagedAtMost(1000)).isEqualTo(8);
    }

    @Test
    void aMeshOnlyFrameFromAClientThatIsNotAMeshPeerIsNotPermitted() {
        final FrameRule rule = FrameRule.deliver().meshOnly(false);
        assertThat(rule.judge(TYPE, 10, NOT_MESH)).isEqualTo(Verdict.NOT_PERMITTED);
        assertThat(rule.judge(TYPE, 10, true)).isEqualTo(Verdict.ACCEPT);
    }

    @Test
    void aHandshakeRuleRejectsAnyOtherFrameType() {
        final FrameRule rule = FrameRule.deliver().expectType(TYPE, FrameError.CLIENT_INFO_WRONG_TYPE, false);
        assertThat(rule.judge(OTHER_TYPE, 10, NOT_MESH)).isEqualTo(Verdict.WRONG_TYPE);
        assertThat(rule.judge(TYPE, 10, NOT_MESH)).isEqualTo(Verdict.ACCEPT);
        assertThat(rule.wrongTypeError).isEqualTo(FrameError.CLIENT_INFO_WRONG_TYPE);
    }

    @Test
    void aGreetingRuleNeedsTheMagic() {
        assertThat(FrameRule.deliver().withMagic().needsMagic).isTrue();
        assertThat(FrameRule.deliver().needsMagic).isFalse();
    }
}
