package io.derpring.internal.frame;

import static io.derpring.internal.frame.FrameHeaderFlyweight.HEADER_LENGTH;

import java.nio.ByteOrder;
import java.util.HexFormat;

import org.agrona.concurrent.UnsafeBuffer;

/** Readers in the states the tests need, each paired with a {@link RecordingHandler}. */
final class Readers {
    static final byte[] SERVER_KEY_FRAME = HexFormat.of().parseHex(
        "010000002844455250f09f94912560b5da1d717c145e3038c7ce9f39035568f484081ee43f2250b14cf2df0576");

    final FrameReader reader;
    final RecordingHandler handler;

    private Readers(final FrameRules rules, final Boolean admitAsMesh) {
        this.handler = new RecordingHandler();
        this.reader = new FrameReader(rules, handler);
        handler.reader = reader;
        handler.admitAsMesh = admitAsMesh;
    }

    /** A client that has not read the greeting yet. */
    static Readers clientHandshake() {
        return new Readers(FrameRules.client(), null);
    }

    /** A client in the steady state: the vector ServerKey was read. */
    static Readers client() {
        final Readers r = clientHandshake();
        r.feed(SERVER_KEY_FRAME);
        if (r.reader.inHandshake() || r.reader.error() != null) {
            throw new AssertionError("greeting not accepted: " + r.handler.events);
        }
        r.handler.events.clear();
        return r;
    }

    /** A fast-start client: steady state from the first byte. */
    static Readers clientFastStart() {
        return new Readers(FrameRules.clientFastStart(), null);
    }

    /** A server that has not read ClientInfo yet; {@code admitAsMesh} null leaves verification to the test. */
    static Readers serverHandshake(final Boolean admitAsMesh) {
        return new Readers(FrameRules.server(), admitAsMesh);
    }

    /** A server in the steady state, its client admitted with the given mesh permission. */
    static Readers server(final boolean meshPeer) {
        final Readers r = serverHandshake(meshPeer);
        r.feed(syntheticClientInfo());
        if (r.reader.isAwaitingVerification() || r.reader.error() != null) {
            throw new AssertionError("ClientInfo not accepted: " + r.handler.events);
        }
        r.handler.events.clear();
        return r;
    }

    /** A ClientInfo frame of the minimum length; the reader does not open boxes, so its content is irrelevant. */
    static byte[] syntheticClientInfo() {
        final byte[] frame = new byte[HEADER_LENGTH + FrameLimits.CLIENT_INFO_MIN_LENGTH];
        FrameHeaderFlyweight.write(new UnsafeBuffer(frame), 0, FrameType.CLIENT_INFO, FrameLimits.CLIENT_INFO_MIN_LENGTH);
        return frame;
    }

    /** Feeds all bytes as one chunk; returns the bytes consumed. */
    int feed(final byte[] bytes) {
        return reader.onData(new UnsafeBuffer(bytes), 0, bytes.length);
    }

    /** A frame with the given type and payload, as raw bytes. */
    static byte[] frame(final int type, final byte[] payload) {
        final byte[] frame = new byte[HEADER_LENGTH + payload.length];
        final UnsafeBuffer b = new UnsafeBuffer(frame);
        FrameHeaderFlyweight.write(b, 0, type, payload.length);
        b.putBytes(HEADER_LENGTH, payload);
        return frame;
    }

    /** Only a header declaring {@code length} (which may exceed what any test would send). */
    static byte[] header(final int type, final long length) {
        final byte[] h = new byte[HEADER_LENGTH];
        h[0] = (byte) type;
        new UnsafeBuffer(h).putInt(1, (int) length, ByteOrder.BIG_ENDIAN);
        return h;
    }

    static byte[] concat(final byte[]... parts) {
        int n = 0;
        for (final byte[] p : parts) {
            n += p.length;
        }
        final byte[] out = new byte[n];
        int at = 0;
        for (final byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
