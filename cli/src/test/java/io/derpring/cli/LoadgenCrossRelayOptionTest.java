package io.derpring.cli;

import static io.derpring.cli.LoadgenCommandTest.execute;
import static io.derpring.cli.LoadgenCommandTest.parse;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;

import org.junit.jupiter.api.Test;

/** {@code loadgen --cross-relay}: raw clients over two or more relay URLs, refused with a reason otherwise. */
class LoadgenCrossRelayOptionTest {
    @Test
    void crossRelayWithRawClientsAndThreeRelaysParses() {
        assertThat(parse("loadgen", "--client", "raw", "--cross-relay", "--relay", "http://127.0.0.1:1",
            "--relay", "http://127.0.0.1:2", "--relay", "http://127.0.0.1:3").crossRelay()).isTrue();
    }

    @Test
    void crossRelayIsOffByDefault() {
        assertThat(parse("loadgen").crossRelay()).isFalse();
    }

    @Test
    void crossRelayWithEngineClientsExitsNonZeroSayingWhy() {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int status = execute(out, err, "loadgen", "--client", "engine", "--cross-relay", "--relay",
            "http://127.0.0.1:1", "--relay", "http://127.0.0.1:2");
        assertThat(status).isNotZero();
        assertThat(err.toString()).contains("--cross-relay needs --client raw");
    }
}
