package io.derpring.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;

import io.derpring.runtime.InvalidConfigException;
import org.junit.jupiter.api.Test;

class ConvertersTest {
    @Test
    void durationsReadAsPeopleTypeThem() {
        assertThat(DurationText.parse("15")).isEqualTo(Duration.ofSeconds(15));
        assertThat(DurationText.parse("15s")).isEqualTo(Duration.ofSeconds(15));
        assertThat(DurationText.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationText.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(DurationText.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(DurationText.parse("PT3S")).isEqualTo(Duration.ofSeconds(3));
        assertThat(DurationText.parse("0")).isEqualTo(Duration.ZERO);
    }

    @Test
    void badDurationsSayWhatIsExpected() {
        assertThatThrownBy(() -> DurationText.parse("soon")).isInstanceOf(InvalidConfigException.class)
            .hasMessageContaining("15s");
        assertThatThrownBy(() -> DurationText.parse("-1s")).isInstanceOf(InvalidConfigException.class);
        assertThatThrownBy(() -> DurationText.parse("PTxS")).isInstanceOf(InvalidConfigException.class);
    }

    @Test
    void hostPortAcceptsIpv4BracketedIpv6AndAllInterfaces() {
        assertThat(HostPort.parse("127.0.0.1:0")).isEqualTo(new InetSocketAddress("127.0.0.1", 0));
        assertThat(HostPort.parse("[::1]:3340").getAddress().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
        assertThat(HostPort.parse(":3340").getAddress().isAnyLocalAddress()).isTrue();
        assertThat(new HostPort.OrOff().convert("off")).isNull();
    }

    @Test
    void hostPortRejectsAmbiguousOrOutOfRangeInput() {
        assertThatThrownBy(() -> HostPort.parse("::1:3340")).hasMessageContaining("brackets");
        assertThatThrownBy(() -> HostPort.parse("127.0.0.1")).hasMessageContaining("HOST:PORT");
        assertThatThrownBy(() -> HostPort.parse("127.0.0.1:65536")).hasMessageContaining("port");
        assertThatThrownBy(() -> HostPort.parse("127.0.0.1:-1")).hasMessageContaining("port");
        assertThatThrownBy(() -> HostPort.parse("127.0.0.1:x")).hasMessageContaining("bad port");
    }
}
