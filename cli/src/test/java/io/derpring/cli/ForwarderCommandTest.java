package io.derpring.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.derpring.server.ForwarderMain;
import io.derpring.server.TcpForwarder;
import io.derpring.transport.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

@Timeout(60)
class ForwarderCommandTest {
    private static ForwarderCommand parse(final String... args) {
        final CommandLine.ParseResult r = Derpring.commandLine().parseArgs(args);
        return r.subcommand().commandSpec().commandLine().getCommand();
    }

    @Test
    void defaultsListenBesideTheRelaysPorts() {
        final ForwarderCommand c = parse("forwarder");
        assertThat(c.listen).isEqualTo(new InetSocketAddress("127.0.0.1", 3341));
        assertThat(c.metrics).isEqualTo(new InetSocketAddress("127.0.0.1", 9341));
        assertThat(c.transport).as("auto").isNull();
        assertThat(c.maxConnections).isEqualTo(TcpForwarder.DEFAULT_MAX_CONNECTIONS);
    }

    @Test
    void optionsParse() {
        final ForwarderCommand c = parse("forwarder", "--listen", "127.0.0.1:0", "--metrics", "off", "--transport",
            "nio", "--threads", "2", "--hello-timeout", "1s");
        assertThat(c.metrics).isNull();
        assertThat(c.transport).isEqualTo(Transport.NIO);
        assertThat(c.threads).isEqualTo(2);
        assertThat(c.helloTimeout.toMillis()).isEqualTo(1000);
    }

    @Test
    void runsPrintsTheReadyLineAndStops() throws Exception {
        final CommandLine cl = Derpring.commandLine();
        final StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        final CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cl.execute("forwarder",
            "--listen", "127.0.0.1:0", "--metrics", "127.0.0.1:0", "--threads", "1"));
        final ForwarderCommand c = cl.getSubcommands().get("forwarder").getCommand();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (c.forwarder() == null || !out.toString().contains(ForwarderMain.READY_PREFIX)) {
            assertThat(System.nanoTime() - deadline).as("started").isNegative();
            Thread.sleep(10);
        }
        try (Socket s = new Socket()) {
            s.connect(c.forwarder().localAddress(), 5000);
        }
        c.stop();
        assertThat(exit.get(20, TimeUnit.SECONDS)).isZero();
        assertThat(out.toString()).contains(ForwarderMain.READY_PREFIX + "127.0.0.1:");
    }
}
