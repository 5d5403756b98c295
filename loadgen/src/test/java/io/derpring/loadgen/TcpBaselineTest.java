package io.derpring.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.derpring.server.DerpRelayServer;
import io.derpring.server.ForwarderProtocol;
import io.derpring.transport.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15's must-show: {@code --baseline tcp} spawns the forwarder as its own process, pushes the same stream through
 * it, and the report carries its throughput and CPU per packet and the relay's ratios to them; and the forwarder's
 * wire carries no DERP framing, only payload and a 4-byte length per packet.
 */
@Timeout(180)
class TcpBaselineTest {
    @TempDir
    Path dir;

    @Test
    void baselineKeysArePresentAndPositiveBesideAnOutOfProcessLikeRelay() throws Exception {
        try (DerpRelayServer relay = DerpRelayServer.builder()
            .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .metricsAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build().start()) {
            final Path json = dir.resolve("baseline.json");
            final LoadReport r = RelayCpuTest.runUntilDelivered(LoadGeneratorTest.shortRun().jsonFile(json)
                .baseline("tcp")
                .relays(List.of(URI.create("http://127.0.0.1:" + relay.localAddress().getPort())))
                .relayMetrics(List.of(URI.create("http://127.0.0.1:" + relay.metricsAddress().getPort()
                    + "/metrics"))).build());

            final JsonNode j = new ObjectMapper().readTree(json.toFile());
            for (final String key : List.of("relay_cpu_s", "relay_cpu_us_per_pkt", "baseline_tcp_mbps",
                "baseline_cpu_us_per_pkt", "ratio_to_baseline", "cpu_ratio_to_baseline")) {
                assertThat(j.get(key).isNumber()).as("%s is a number", key).isTrue();
                assertThat(j.get(key).asDouble()).as(key).isPositive();
            }
            assertThat(j.get("baseline").asText()).isEqualTo("tcp");
            assertThat(j.get("baseline_unexplained_lost").asLong()).isZero();
            assertThat(j.get("ratio_to_baseline").asDouble())
                .isCloseTo(r.throughputMbps() / r.baseline().throughputMbps(), org.assertj.core.data.Offset.offset(0.01));
            assertThat(r.toText()).contains("baseline    tcp forwarder").contains("relay/forwarder");
        }
    }

    @Test
    void forwarderWireCarriesPayloadAndAFourBytePrefixPerPacketNoDerpFraming() throws Exception {
        final int size = 1200;
        final LoadReport r = LoadGeneratorTest.run(LoadGeneratorTest.shortRun().sizeBytes(size).window(0)
            .baseline("tcp").build());
        final LoadReport.Baseline b = r.baseline();

        assertThat(b.wirePackets()).as("every packet sent went through the forwarder").isEqualTo(b.sent());
        assertThat(b.received()).isEqualTo(b.sent());
        // A DERP SendPacket would add a 5-byte frame header and a 32-byte key: 1237 per packet, not 1204.
        assertThat(b.wireBytes()).isEqualTo(b.wirePackets() * (size + ForwarderProtocol.PREFIX_LENGTH));
        assertThat(b.unexplainedLost()).isZero();
        assertThat(r.relayInProcess()).isTrue();
        assertThat(r.ratioToBaseline()).isPositive();
        assertThat(r.cpuRatioToBaseline()).as("the embedded relay's CPU is not separable").isNull();
    }

    @Test
    void forwarderCommandLineIsThisJvmAndClasspathPinnedWhenAsked() {
        final List<String> c = ForwarderProcess.command(Transport.NIO, 2, "1");
        assertThat(c.subList(0, 3)).containsExactly("taskset", "-c", "1");
        assertThat(c).contains(System.getProperty("java.class.path"), io.derpring.server.ForwarderMain.class.getName(),
            "--transport", "nio", "--threads", "2");
        assertThat(ForwarderProcess.command(Transport.NIO, 0, null)).doesNotContain("taskset", "--threads");
    }
}
