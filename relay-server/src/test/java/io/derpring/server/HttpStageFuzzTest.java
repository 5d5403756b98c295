package io.derpring.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.derpring.keys.NodePrivateKey;
import io.derpring.testing.Fuzzing;
import io.derpring.testing.Vectors;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;

/**
 * The DERP port's HTTP stage ({@code HttpServerCodec} + {@link HttpRouter}, as {@link DerpRelayServer} wires it) on
 * attacker-chosen bytes, pipelined and cut into attacker-chosen reads, through {@link EmbeddedHttpStage}. Properties:
 * <ul>
 *   <li>nothing escapes the pipeline, and no handler hits an unexpected error (no {@code io_error} end, nothing in the
 *       error log);</li>
 *   <li>everything written is well-formed: HTTP/1.1 responses framed by Content-Length, nothing after
 *       {@code Connection: close}, and after a {@code /derp} upgrade only whole DERP frames, ServerKey first
 *       ({@link ResponseStream});</li>
 *   <li>an upgrade leaves the pipeline in DERP mode (codec and router gone) for as long as the connection is open;</li>
 *   <li>the relay writes at most {@link #MAX_OUTBOUND_BYTES_PER_INBOUND_BYTE} bytes per byte received, plus one
 *       closing answer ({@link #MAX_CLOSING_ANSWER_BYTES});</li>
 *   <li>every buffer fed in is released by the time the channel is closed (and the build runs with Netty's PARANOID
 *       leak detection).</li>
 * </ul>
 * Input layout: byte 0 is the number {@code k} (mod {@link #MAX_CUT_SIZES} + 1) of read sizes that follow, each byte
 * a read size of 1..256; the rest is the byte stream, cut into reads of those sizes in turn ({@code k = 0}: one read).
 * The corpus (HttpStageFuzzTestInputs/) holds every endpoint, pipelined keep-alive requests, the limits, the
 * vectors' upgrade requests and a fast-start upgrade carrying derp_frames.json's ClientInfo (the relay uses the
 * vectors' server key, so the handshake completes); it runs as a regression test in the normal build. Set
 * JAZZER_FUZZ=1 to fuzz.
 */
class HttpStageFuzzTest {
    /**
     * The largest answer per request byte: the shortest request that is answered ({@code GET / HTTP/1.1} and an
     * empty line, LF-terminated: 16 bytes) gets the 124-byte front page, under 8 bytes per byte; a 33-byte upgrade
     * gets the 101 and ServerKey (about 200 bytes). A flood of tiny requests can therefore not multiply the relay's
     * output by more than this.
     */
    static final int MAX_OUTBOUND_BYTES_PER_INBOUND_BYTE = 10;
    /**
     * On top of that, one answer of at most this many bytes for any input: a line of garbage (2 bytes at least) gets a
     * 119-byte 400, but the connection closes with it, so it costs the sender a TCP handshake each time.
     */
    static final int MAX_CLOSING_ANSWER_BYTES = 256;
    /** How many read sizes an input may carry. */
    static final int MAX_CUT_SIZES = 15;

    private static final NodePrivateKey SERVER = NodePrivateKey.fromBytes(Vectors.hex(
        Vectors.load("derp_frames.json").get("keys").get("server-node").get("private_hex")));
    private static final DerpRelayServer.Settings SETTINGS = EmbeddedHttpStage.settings(SERVER);

    @FuzzTest(maxDuration = Fuzzing.MAX_DURATION)
    void httpStageAnswersWellFormedAndBounded(final byte[] input) throws Exception {
        if (input.length < 1) {
            return;
        }
        final int cuts = Math.min(Math.floorMod(input[0], MAX_CUT_SIZES + 1), input.length - 1);
        final int[] sizes = new int[Math.max(1, cuts)];
        for (int i = 0; i < cuts; i++) {
            sizes[i] = 1 + (input[1 + i] & 0xFF);
        }
        final int start = 1 + cuts;
        final int streamLength = input.length - start;
        if (cuts == 0) {
            sizes[0] = Math.max(1, streamLength);
        }

        final EmbeddedHttpStage stage = new EmbeddedHttpStage(SETTINGS, SERVER);
        final List<ByteBuf> fed = new ArrayList<>();
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        boolean upgradeSeenOpen = false;
        int at = start;
        for (int read = 0; at < input.length && stage.channel.isOpen(); read++) {
            final int n = Math.min(sizes[read % sizes.length], input.length - at);
            // unpooled: a pooled ByteBuf object is recycled after release, so its refCnt could not be checked below
            final ByteBuf buf = Unpooled.directBuffer(n);
            buf.writeBytes(input, at, n);
            at += n;
            fed.add(buf);
            stage.channel.writeInbound(buf);
            stage.channel.runPendingTasks();
            drain(stage, written);
            if (stage.channel.isOpen() && upgrades(stage) > 0) {
                assertThat(stage.isDerpMode()).as("pipeline after an upgrade").isTrue();
                upgradeSeenOpen = true;
            }
        }
        stage.channel.finishAndReleaseAll();
        drain(stage, written);

        assertThat(upgrades(stage)).as("upgrades on one connection").isLessThanOrEqualTo(1);
        assertThat(stage.tracker.ends.get(ConnectionEnd.IO_ERROR)).as("connections ended by an error").isZero();
        assertThat(stage.errors.total()).as("errors recorded").isZero();
        for (final ByteBuf buf : fed) {
            assertThat(buf.refCnt()).as("inbound buffer released").isZero();
        }
        final byte[] out = written.toByteArray();
        assertThat((long) out.length).as("bytes written for %d bytes read", streamLength)
            .isLessThanOrEqualTo((long) MAX_OUTBOUND_BYTES_PER_INBOUND_BYTE * streamLength + MAX_CLOSING_ANSWER_BYTES);
        final ResponseStream responses = ResponseStream.read(out, stage.requestMethods,
            stage.tracker.counters.get(ServerCounter.HTTP_FAST_STARTS) > 0);
        assertThat(responses.statuses).as("answers vs requests decoded")
            .hasSizeLessThanOrEqualTo(stage.requestMethods.size());
        assertThat(responses.upgraded).as("DERP on the wire iff the relay counted an upgrade")
            .isEqualTo(upgrades(stage) == 1);
        if (upgradeSeenOpen) {
            assertThat(responses.derpFrames).as("frames after the upgrade").isNotEmpty();
        }
    }

    private static long upgrades(final EmbeddedHttpStage stage) {
        return stage.tracker.counters.get(ServerCounter.HTTP_UPGRADES)
            + stage.tracker.counters.get(ServerCounter.HTTP_FAST_STARTS);
    }

    /** Moves everything written so far out of the channel; every outbound message must already be bytes. */
    private static void drain(final EmbeddedHttpStage stage, final ByteArrayOutputStream written) {
        for (Object msg; (msg = stage.channel.readOutbound()) != null; ) {
            if (!(msg instanceof ByteBuf)) {
                ReferenceCountUtil.release(msg);
                throw new AssertionError("outbound message is not bytes: " + msg.getClass().getName());
            }
            final ByteBuf buf = (ByteBuf) msg;
            try {
                final byte[] copy = new byte[buf.readableBytes()];
                buf.readBytes(copy);
                written.writeBytes(copy);
            } finally {
                buf.release();
            }
        }
    }
}
