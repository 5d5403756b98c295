package io.derpring.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import io.derpring.loadgen.LoadOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Issue 15's loadgen options: {@code --html} and {@code --idle-connections} reach the run. */
@Timeout(120)
class LoadgenLabOptionsTest {
    @TempDir
    Path dir;

    @Test
    void htmlAndIdleConnectionsAreOffByDefault() {
        final LoadOptions o = LoadgenCommandTest.parse("loadgen");
        assertThat(o.htmlFile()).isNull();
        assertThat(o.idleConnections()).isZero();
    }

    @Test
    void htmlOptionReachesTheRun() {
        assertThat(LoadgenCommandTest.parse("loadgen", "--html", "x.html").htmlFile()).isEqualTo(Path.of("x.html"));
    }

    @Test
    void idleConnectionsOptionReachesTheRun() {
        assertThat(LoadgenCommandTest.parse("loadgen", "--idle-connections", "200").idleConnections()).isEqualTo(200);
    }

    @Test
    void idleConnectionsAboveTheLimitExitWithTheUsageStatus() {
        final StringWriter err = new StringWriter();
        final int status = LoadgenCommandTest.execute(new StringWriter(), err, "loadgen", "--idle-connections",
            String.valueOf(LoadOptions.MAX_IDLE_CONNECTIONS + 1));
        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).contains("idle connections");
    }

    @Test
    void shortRunWritesTheHtmlPage() throws Exception {
        final Path html = dir.resolve("run.html");
        final StringWriter out = new StringWriter();
        final int status = LoadgenCommandTest.execute(out, new StringWriter(), "loadgen", "--pairs", "1",
            "--duration", "1500ms", "--warmup", "100ms", "--html", html.toString(), "-q");
        assertThat(status).as(out.toString()).isZero();
        assertThat(out.toString()).contains("html        " + html.toAbsolutePath());
        assertThat(Files.readString(html)).startsWith("<!DOCTYPE html>").contains("<svg id=\"throughput\"");
    }

    @Test
    void idleRunThroughTheCommandLinePrintsRssPerConnection() {
        final StringWriter out = new StringWriter();
        final int status = LoadgenCommandTest.execute(out, new StringWriter(), "loadgen", "--idle-connections", "20",
            "-q");
        assertThat(status).as(out.toString()).isZero();
        assertThat(out.toString()).contains("20 idle connections", "per connection", "result      OK");
    }
}
