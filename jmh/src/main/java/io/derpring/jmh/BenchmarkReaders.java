package io.derpring.jmh;

import io.derpring.internal.frame.FrameHandler;
import io.derpring.internal.frame.FrameHeaderFlyweight;
import io.derpring.internal.frame.FrameLimits;
import io.derpring.internal.frame.FrameReader;
import io.derpring.internal.frame.FrameType;
import org.agrona.concurrent.UnsafeBuffer;

/** Readers already past their handshake phase, so the benchmarks measure steady-state decoding. */
final class BenchmarkReaders {
    private BenchmarkReaders() {
    }

    /** A server reader that has seen a (length-valid) ClientInfo and been told the client is verified. */
    static FrameReader serverPastHandshake(final FrameHandler handler) {
        // The handshake frame goes nowhere; everything after it reaches the benchmark's handler.
        final FrameReader reader = FrameReader.forServer((type, buffer, offset, length) -> {
            if (type != FrameType.CLIENT_INFO) {
                handler.onFrame(type, buffer, offset, length);
            }
        });
        final int payload = FrameLimits.CLIENT_INFO_MIN_LENGTH;
        final UnsafeBuffer clientInfo = new UnsafeBuffer(new byte[FrameHeaderFlyweight.HEADER_LENGTH + payload]);
        FrameHeaderFlyweight.write(clientInfo, 0, FrameType.CLIENT_INFO, payload);
        reader.onData(clientInfo, 0, clientInfo.capacity());
        reader.clientVerified(false);
        return reader;
    }

    /** A fast-start client reader: no ServerKey expected first. */
    static FrameReader clientPastHandshake(final FrameHandler handler) {
        return FrameReader.forClientFastStart(handler);
    }
}
