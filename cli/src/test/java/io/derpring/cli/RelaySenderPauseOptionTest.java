package io.derpring.cli;

import static io.derpring.cli.RelayCommandTest.parse;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;

import io.derpring.internal.relay.RelayConfig;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

/** {@code --sender-pause}: how long reading a client may wait behind a backlogged destination. */
class RelaySenderPauseOptionTest {

    @Test
    void defaultsToTenMilliseconds() {
        assertThat(parse("relay").builder().build().settings().senderPauseNs())
            .isEqualTo(RelayConfig.DEFAULT_SENDER_PAUSE_NS).isEqualTo(TimeUnit.MILLISECONDS.toNanos(10));
    }

    @Test
    void zeroTurnsThePauseOffAndOneSecondIsTheMost() {
        assertThat(parse("relay", "--sender-pause", "0").builder().build().settings().senderPauseNs())
            .isEqualTo(RelayConfig.SENDER_PAUSE_OFF);
        assertThat(parse("relay", "--sender-pause", "999ms").builder().build().settings().senderPauseNs())
            .isEqualTo(TimeUnit.MILLISECONDS.toNanos(999));
        assertThat(parse("relay", "--sender-pause", "1s").builder().build().settings().senderPauseNs())
            .isEqualTo(RelayConfig.MAX_SENDER_PAUSE_NS);
    }

    @Test
    void aPauseAboveOneSecondIsAUsageError() {
        final StringWriter err = new StringWriter();
        final int code = Derpring.commandLine().setErr(new PrintWriter(err))
            .execute("relay", "--sender-pause", "1001ms", "--metrics", "off", "--listen", "127.0.0.1:0");
        assertThat(code).isNotZero();
        assertThat(err.toString()).contains("senderPauseNs");
    }

    @Test
    void theRelayRunsWithoutLeakDetectionUnlessAsked() {
        final ResourceLeakDetector.Level before = ResourceLeakDetector.getLevel();
        final String asked = System.clearProperty(RelayCommand.LEAK_DETECTION_PROPERTY);
        try {
            RelayCommand.disableLeakDetectionUnlessAsked();
            assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.DISABLED);
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
            System.setProperty(RelayCommand.LEAK_DETECTION_PROPERTY, "paranoid");
            RelayCommand.disableLeakDetectionUnlessAsked();
            assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
        } finally {
            if (asked != null) {
                System.setProperty(RelayCommand.LEAK_DETECTION_PROPERTY, asked);
            } else {
                System.clearProperty(RelayCommand.LEAK_DETECTION_PROPERTY);
            }
            ResourceLeakDetector.setLevel(before);
        }
    }
}
