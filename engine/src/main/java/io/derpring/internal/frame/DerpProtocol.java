package io.derpring.internal.frame;

import java.util.concurrent.TimeUnit;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Protocol constants of SPEC §1.1 that are not size limits (those are in {@link FrameLimits}): the greeting magic,
 * key and nonce lengths, the protocol version and the liveness timers.
 */
public final class DerpProtocol {
    /** derp.go {@code Magic = "DERP🔑"}: the first 8 bytes of the ServerKey payload. */
    private static final byte[] MAGIC_BYTES = {0x44, 0x45, 0x52, 0x50, (byte) 0xf0, (byte) 0x9f, (byte) 0x94, (byte) 0x91};
    /** derp.go {@code len(Magic)}. */
    public static final int MAGIC_LENGTH = 8;
    /** The magic read as one big-endian long, so checking it is a single compare. */
    public static final long MAGIC_AS_LONG = 0x44455250_f09f9491L;

    /** derp.go {@code frameHeaderLen}: 1 type byte + 4-byte big-endian length (layout in {@link FrameHeaderFlyweight}). */
    public static final int FRAME_HEADER_LENGTH = FrameHeaderFlyweight.HEADER_LENGTH;
    /** derp.go {@code keyLen}: public keys travel as 32 raw bytes. */
    public static final int KEY_LENGTH = 32;
    /** derp.go {@code NonceLen}: NaCl box nonce. */
    public static final int NONCE_LENGTH = 24;
    /** NaCl box tag (Poly1305), in front of the ciphertext. */
    public static final int BOX_TAG_LENGTH = 16;

    /** derp.go {@code ProtocolVersion = 2}: RecvPacket carries the 32-byte source key. */
    public static final int PROTOCOL_VERSION = 2;

    /** derp.go {@code KeepAlive = 60 * time.Second}: the server's KeepAlive period. */
    public static final long KEEP_ALIVE_NS = TimeUnit.SECONDS.toNanos(60);
    /** derpserver.go: each client's keepalive ticker adds {@code rand[0, 5 s)}. */
    public static final long KEEP_ALIVE_JITTER_NS = TimeUnit.SECONDS.toNanos(5);
    /** derp_client.go {@code Recv() = recvTimeout(120 * time.Second)}: no frame for this long means dead. */
    public static final long CLIENT_READ_DEADLINE_NS = TimeUnit.SECONDS.toNanos(120);
    /** derpserver.go {@code accept}: 10 s to write ServerKey and 10 s to read ClientInfo. */
    public static final long HANDSHAKE_DEADLINE_NS = TimeUnit.SECONDS.toNanos(10);

    private DerpProtocol() {
    }

    /**
     * The magic as a read-only view; never write through it. Built on first use, not when this class loads: an
     * {@code UnsafeBuffer} runs Agrona's static initialiser, which needs the JVM flag, and builders read this class's
     * timers before {@link io.derpring.runtime.JvmRequirements#requireAgronaAccess()} can name the missing flag.
     */
    public static DirectBuffer magic() {
        return MagicHolder.MAGIC;
    }

    /** Lazy holder (JLS §12.4.1: initialised on the first {@link #magic()} call). */
    private static final class MagicHolder {
        static final DirectBuffer MAGIC = new UnsafeBuffer(MAGIC_BYTES);
    }
}
