package io.derpring.server;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import io.derpring.keys.NodePrivateKey;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** What {@link HttpStageFuzzTest} found, each pinned by name on the same embedded pipeline. */
class HttpStageFuzzFindingsTest {
    private static final NodePrivateKey SERVER = NodePrivateKey.generate();
    private static final DerpRelayServer.Settings SETTINGS = EmbeddedHttpStage.settings(SERVER);

    /** Everything the stage writes for {@code request}, as text; the channel is left as the stage left it. */
    private static String answer(final EmbeddedHttpStage stage, final String request) {
        stage.channel.writeInbound(Unpooled.copiedBuffer(request, US_ASCII));
        stage.channel.runPendingTasks();
        final List<String> out = new ArrayList<>();
        for (ByteBuf b; (b = stage.channel.readOutbound()) != null; ) {
            out.add(b.toString(US_ASCII));
            b.release();
        }
        return String.join("", out);
    }

    /**
     * Found by fuzzing: {@code GET /der% HTTP/1.1} made the path decoder throw, so the connection was closed with no
     * answer and counted as an I/O error. Go's net/http answers a request-target it cannot parse with 400.
     */
    @Test
    void requestTargetWithABadPercentEscapeIsAnswered400AndClosed() throws Exception {
        final EmbeddedHttpStage stage = new EmbeddedHttpStage(SETTINGS, SERVER);
        final String written = answer(stage, "GET /der% HTTP/1.1\r\nHost: derp.test\r\n\r\n");
        assertThat(written).startsWith("HTTP/1.1 400 Bad Request\r\n").contains("connection: close");
        assertThat(stage.channel.isOpen()).isFalse();
        assertThat(stage.tracker.counters.get(ServerCounter.HTTP_BAD_REQUESTS)).isEqualTo(1);
        assertThat(stage.tracker.ends.get(ConnectionEnd.HTTP)).isEqualTo(1);
        assertThat(stage.tracker.ends.get(ConnectionEnd.IO_ERROR)).isZero();
        stage.channel.finishAndReleaseAll();
    }

    /**
     * Found by fuzzing: requests pipelined in the same read as one answered with {@code Connection: close} were still
     * routed. A {@code /derp} upgrade after a 400 was counted (and a DERP handler added) on a connection already
     * closing, and on a socket that is slow to drain their answers would follow the closing one.
     */
    @Test
    void requestsPipelinedAfterAClosingAnswerAreIgnored() throws Exception {
        final EmbeddedHttpStage stage = new EmbeddedHttpStage(SETTINGS, SERVER);
        final String written = answer(stage, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n"
            + "GET /derp HTTP/1.1\r\nUpgrade: DERP\r\nConnection: Upgrade\r\n\r\n");
        assertThat(written).startsWith("HTTP/1.1 200 OK\r\n").containsOnlyOnce("HTTP/1.1");
        assertThat(stage.tracker.counters.get(ServerCounter.HTTP_REQUESTS)).isEqualTo(1);
        assertThat(stage.tracker.counters.get(ServerCounter.HTTP_UPGRADES)).isZero();
        assertThat(stage.channel.pipeline().get(DerpConnectionHandler.class)).isNull();
        stage.channel.finishAndReleaseAll();
    }
}
