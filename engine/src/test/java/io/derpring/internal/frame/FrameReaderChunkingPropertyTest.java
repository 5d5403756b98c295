package io.derpring.internal.frame;

import static io.derpring.internal.frame.FrameHeaderFlyweight.HEADER_LENGTH;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Seeded property test over random streams for every side: well-formed and malformed frames, pure random bytes,
 * random truncation. Fed as one chunk and as random chunks (1-byte chunks included, each chunk an exactly sized view
 * so a read outside it throws, or placed inside poison bytes), the reader must only ever deliver frames, drops or a
 * typed error, and both feeds must give identical outcomes. Replay with {@code -Dderpring.seed=N}.
 */
class FrameReaderChunkingPropertyTest {
    private static final long SEED = Long.getLong("derpring.seed", 0xc4_0a5eedL);
    private static final int CASES = 4000;

    private enum Side { CLIENT, CLIENT_FAST_START, SERVER_MESH, SERVER_PLAIN, SERVER_VERIFIED_LATER }

    /** A generated stream and, when it is made of whole frames, where each frame ends. */
    private record Stream(byte[] bytes, int[] boundaries) {
    }

    /** Everything observable about one run. */
    private record Outcome(List<RecordingHandler.Event> events, StreamEnd end, FrameError error) {
    }

    @Test
    void chunkedFeedDeliversExactlyWhatAWholeFeedDelivers() {
        final SplittableRandom rnd = new SplittableRandom(SEED);
        for (int i = 0; i < CASES; i++) {
            final Side side = Side.values()[rnd.nextInt(Side.values().length)];
            final Stream stream = rnd.nextInt(6) == 0 ? garbage(rnd) : frames(rnd, side);
            final int cut = rnd.nextInt(4) == 0 ? rnd.nextInt(stream.bytes().length + 1) : stream.bytes().length;
            final byte[] bytes = Arrays.copyOf(stream.bytes(), cut);
            final int[] chunks = chunking(rnd, bytes.length);
            final boolean poison = rnd.nextBoolean();
            final String context = "seed=" + SEED + " case=" + i + " side=" + side + " cut=" + cut + "/"
                + stream.bytes().length + " chunks=" + Arrays.toString(chunks).substring(0, Math.min(200, Arrays.toString(chunks).length()))
                + " stream=" + abbreviate(bytes);
            final Outcome whole;
            final Outcome chunked;
            try {
                whole = run(side, bytes, new int[] {bytes.length}, false);
                chunked = run(side, bytes, chunks, poison);
            } catch (final RuntimeException e) {
                throw new AssertionError(context + ": reader threw " + e, e);
            }
            assertThat(chunked).as(context).isEqualTo(whole);
            if (stream.boundaries() != null && whole.error() == null) {
                final boolean atBoundary = cut == 0 || Arrays.binarySearch(stream.boundaries(), cut) >= 0;
                assertThat(whole.end()).as(context)
                    .isEqualTo(atBoundary ? StreamEnd.CLEAN : cutInHeader(stream.boundaries(), cut)
                        ? StreamEnd.TRUNCATED_HEADER : StreamEnd.TRUNCATED_PAYLOAD);
            }
            if (whole.error() != null) {
                assertThat(whole.events().get(whole.events().size() - 1).kind()).as(context).isEqualTo("error");
            }
        }
    }

    private static boolean cutInHeader(final int[] boundaries, final int cut) {
        int start = 0;
        for (final int end : boundaries) {
            if (cut < end) {
                return cut - start < HEADER_LENGTH;
            }
            start = end;
        }
        return false;
    }

    /** Feeds the stream in the given chunks, admitting a paused server client as the side says, then ends it. */
    private static Outcome run(final Side side, final byte[] bytes, final int[] chunks, final boolean poison) {
        final Readers r = reader(side);
        int pos = 0;
        for (final int length : chunks) {
            final UnsafeBuffer view;
            final int offset;
            if (poison) {
                final byte[] surrounded = new byte[length + 16];
                Arrays.fill(surrounded, (byte) 0xa5);
                System.arraycopy(bytes, pos, surrounded, 8, length);
                view = new UnsafeBuffer(surrounded);
                offset = 8;
            } else {
                view = new UnsafeBuffer(bytes, pos, length); // exactly the chunk: any read outside it throws
                offset = 0;
            }
            int done = 0;
            while (done < length) {
                final int consumed = r.reader.onData(view, offset + done, length - done);
                assertThat(consumed).isBetween(0, length - done);
                done += consumed;
                if (r.reader.isAwaitingVerification()) {
                    r.reader.clientVerified(side == Side.SERVER_VERIFIED_LATER);
                } else if (done < length) {
                    assertThat(r.reader.isClosed()).as("only a dead reader leaves bytes unconsumed").isTrue();
                    break;
                }
            }
            if (r.reader.isClosed()) {
                break;
            }
            pos += length;
        }
        final StreamEnd end = r.reader.onEndOfStream();
        assertThat(r.reader.stagingCapacity()).isLessThanOrEqualTo(Math.max(r.reader.rules().stagingLimit(), 0));
        return new Outcome(new ArrayList<>(r.handler.events), end, r.reader.error());
    }

    private static Readers reader(final Side side) {
        switch (side) {
            case CLIENT:
                return Readers.clientHandshake();
            case CLIENT_FAST_START:
                return Readers.clientFastStart();
            case SERVER_MESH:
                return Readers.serverHandshake(true);
            case SERVER_PLAIN:
                return Readers.serverHandshake(false);
            default:
                return Readers.serverHandshake(null);
        }
    }

    private static int[] chunking(final SplittableRandom rnd, final int length) {
        final List<Integer> chunks = new ArrayList<>();
        final int mode = rnd.nextInt(4);
        int left = length;
        while (left > 0) {
            final int n;
            if (mode == 0) {
                n = 1;
            } else if (mode == 1) {
                n = 1 + rnd.nextInt(Math.min(left, 12));
            } else if (mode == 2) {
                n = 1 + rnd.nextInt(Math.min(left, 4096));
            } else {
                n = rnd.nextBoolean() ? 1 + rnd.nextInt(Math.min(left, 7)) : 1 + rnd.nextInt(left);
            }
            chunks.add(n);
            left -= n;
        }
        return chunks.stream().mapToInt(Integer::intValue).toArray();
    }

    private static Stream garbage(final SplittableRandom rnd) {
        return new Stream(FrameCodecPropertyTest.randomBytes(rnd, rnd.nextInt(300)), null);
    }

    /** Whole frames: mostly what the side expects, with lengths around every limit, unknown types and big frames. */
    private static Stream frames(final SplittableRandom rnd, final Side side) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final List<Integer> ends = new ArrayList<>();
        final boolean client = side == Side.CLIENT || side == Side.CLIENT_FAST_START;
        if (side == Side.CLIENT) {
            append(out, ends, rnd.nextInt(10) == 0 ? randomFrame(rnd, true) : greeting(rnd));
        } else if (!client) {
            append(out, ends, rnd.nextInt(10) == 0 ? randomFrame(rnd, false)
                : Readers.frame(FrameType.CLIENT_INFO, FrameCodecPropertyTest.randomBytes(rnd, 56 + rnd.nextInt(200))));
        }
        final int count = rnd.nextInt(12);
        for (int i = 0; i < count; i++) {
            append(out, ends, randomFrame(rnd, client));
        }
        return new Stream(out.toByteArray(), ends.stream().mapToInt(Integer::intValue).toArray());
    }

    private static void append(final ByteArrayOutputStream out, final List<Integer> ends, final byte[] frame) {
        out.writeBytes(frame);
        ends.add(out.size());
    }

    private static byte[] greeting(final SplittableRandom rnd) {
        final byte[] payload = FrameCodecPropertyTest.randomBytes(rnd, 40 + (rnd.nextBoolean() ? 0 : rnd.nextInt(20)));
        new UnsafeBuffer(payload).putBytes(0, DerpProtocol.magic(), 0, DerpProtocol.MAGIC_LENGTH);
        return Readers.frame(FrameType.SERVER_KEY, payload);
    }

    private static final int[] CLIENT_TYPES = {FrameType.SERVER_INFO, FrameType.RECV_PACKET, FrameType.KEEP_ALIVE,
        FrameType.PEER_GONE, FrameType.PEER_PRESENT, FrameType.PING, FrameType.PONG, FrameType.HEALTH,
        FrameType.RESTARTING, FrameType.SERVER_KEY};
    private static final int[] SERVER_TYPES = {FrameType.SEND_PACKET, FrameType.NOTE_PREFERRED, FrameType.PING,
        FrameType.FORWARD_PACKET, FrameType.WATCH_CONNS, FrameType.CLOSE_PEER, FrameType.PONG};
    private static final int[] INTERESTING_LENGTHS = {0, 1, 2, 7, 8, 9, 12, 23, 24, 31, 32, 33, 39, 40, 50, 51, 55, 56,
        63, 64, 65, 999, 1000, 1001};

    private static byte[] randomFrame(final SplittableRandom rnd, final boolean client) {
        final int pick = rnd.nextInt(10);
        final int type;
        if (pick < 7) {
            final int[] types = client ? CLIENT_TYPES : SERVER_TYPES;
            type = types[rnd.nextInt(types.length)];
        } else {
            type = rnd.nextInt(256);
        }
        final int length;
        final int lengthKind = rnd.nextInt(20);
        if (lengthKind < 12) {
            length = INTERESTING_LENGTHS[rnd.nextInt(INTERESTING_LENGTHS.length)];
        } else if (lengthKind < 18) {
            length = rnd.nextInt(400);
        } else if (lengthKind == 18) {
            length = 32 + FrameLimits.MAX_PACKET_SIZE - 1 + rnd.nextInt(3) + (rnd.nextBoolean() ? 32 : 0);
        } else {
            length = 100_000 + rnd.nextInt(200_000);
        }
        return Readers.frame(type, FrameCodecPropertyTest.randomBytes(rnd, length));
    }

    private static String abbreviate(final byte[] bytes) {
        final String hex = HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 64));
        return hex + (bytes.length > 64 ? "..." : "");
    }
}
