package io.derpring.internal.frame;

import static io.derpring.internal.frame.FrameHeaderFlyweight.HEADER_LENGTH;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Incremental DERP frame reader for one connection and one side (SPEC §1.2, §1.4, §1.5, §2.2). Fed chunks as they
 * come off the socket, it hands complete frames to a {@link FrameHandler} as views:
 * <ul>
 *   <li>a frame wholly inside the chunk is delivered in place (zero copy, no allocation);</li>
 *   <li>a frame split across chunks is assembled in a staging buffer the reader owns, allocated on first need and
 *       never larger than the side's {@link FrameRules#stagingLimit()};</li>
 *   <li>frames to discard, and the tails a side never reads (a long Ping, ServerKey future bytes), are skipped by
 *       counting bytes, never buffered;</li>
 *   <li>every limit is applied as soon as the header is read, before any payload byte is waited for.</li>
 * </ul>
 * A frame is delivered only once all its bytes have arrived, so any chunking of a stream yields the same frames.
 *
 * <p>Outcomes are values, not exceptions: a fatal error kills the reader (sticky, like Go's {@code readErr}),
 * is reported once through {@link FrameHandler#onError} and is available from {@link #error()}; later input is
 * ignored. Drops are reported through {@link FrameHandler#onDrop} and counted per {@link FrameDrop}.
 *
 * <p>Server side: after the ClientInfo frame the reader pauses until {@link #clientVerified(boolean)}, because a
 * mesh peer's WatchConns may follow in the same chunk and must be judged with its permission known. Calling
 * {@code clientVerified} from inside the ClientInfo callback avoids the pause.
 *
 * <p>Not thread-safe: one reader per connection, used by that connection's reading thread.
 */
public final class FrameReader {
    private enum Phase { HANDSHAKE, AWAITING_VERIFICATION, OPEN, FAILED, ENDED }

    private enum Step { HEADER, STAGING, SKIPPING }

    /** Smallest staging buffer: a split MTU-sized packet fits without growing. */
    static final int INITIAL_STAGING_CAPACITY = 4096;
    /** A staging buffer above this (grown for a rare big frame, e.g. a 1 MiB Health) is released after use. */
    static final int RETAINED_STAGING_CAPACITY = 128 * 1024;

    private static final byte[] NO_BYTES = new byte[0];

    private final FrameRules rules;
    private final FrameHandler handler;
    private final UnsafeBuffer header = new UnsafeBuffer(new byte[HEADER_LENGTH]);
    private final UnsafeBuffer staging = new UnsafeBuffer(NO_BYTES);
    private final long[] dropCounts = new long[FrameDrop.values().length];

    private Phase phase;
    private Step step = Step.HEADER;
    private boolean meshPeer;
    private int headerFilled;
    private int frameType;
    private long frameLength;
    private FrameRule frameRule;
    private int deliverLength;
    private int staged;
    private long skipRemaining;
    private boolean deliverAfterSkip;
    private long framesDelivered;
    /** Set by the handler during a delivery: return from {@link #onData} after this frame (cleared on each call). */
    private boolean yieldRequested;

    private FrameError error;
    private int errorType;
    private long errorLength;

    public FrameReader(final FrameRules rules, final FrameHandler handler) {
        this.rules = rules;
        this.handler = handler;
        this.phase = rules.handshake == null ? Phase.OPEN : Phase.HANDSHAKE;
    }

    /** A client reader that expects the ServerKey greeting first. */
    public static FrameReader forClient(final FrameHandler handler) {
        return new FrameReader(FrameRules.client(), handler);
    }

    /** A fast-start client reader: no greeting expected; a later ServerKey is skipped as unknown. */
    public static FrameReader forClientFastStart(final FrameHandler handler) {
        return new FrameReader(FrameRules.clientFastStart(), handler);
    }

    /** A server connection reader that expects ClientInfo first. */
    public static FrameReader forServer(final FrameHandler handler) {
        return new FrameReader(FrameRules.server(), handler);
    }

    /**
     * Reads {@code src[offset, offset + length)}; never touches a byte outside it.
     *
     * @return the bytes consumed: {@code length}, unless the reader failed (then input is ignored from the bad
     * frame on), paused after the server's ClientInfo (offer the rest again after {@link #clientVerified}) or the
     * handler asked to {@link #yieldAfterFrame} (offer the rest again when it is ready)
     */
    public int onData(final DirectBuffer src, final int offset, final int length) {
        if (phase != Phase.OPEN && phase != Phase.HANDSHAKE) {
            return 0;
        }
        yieldRequested = false;
        final int end = offset + length;
        int pos = offset;
        while (pos < end) {
            if (step == Step.HEADER) {
                if (headerFilled == 0 && end - pos >= HEADER_LENGTH) {
                    frameType = FrameHeaderFlyweight.type(src, pos);
                    frameLength = FrameHeaderFlyweight.payloadLength(src, pos);
                    pos += HEADER_LENGTH;
                } else {
                    final int n = Math.min(HEADER_LENGTH - headerFilled, end - pos);
                    header.putBytes(headerFilled, src, pos, n);
                    headerFilled += n;
                    pos += n;
                    if (headerFilled < HEADER_LENGTH) {
                        break;
                    }
                    headerFilled = 0;
                    frameType = FrameHeaderFlyweight.type(header, 0);
                    frameLength = FrameHeaderFlyweight.payloadLength(header, 0);
                }
                if (!beginFrame()) {
                    break;
                }
                if (step == Step.STAGING && frameLength <= end - pos) {
                    // The common case: the whole frame is in this chunk. Deliver in place, copy nothing.
                    final int payload = pos;
                    pos += (int) frameLength;
                    step = Step.HEADER;
                    if (!deliver(src, payload) || stopsAfterDelivery()) {
                        break;
                    }
                } else if (step == Step.STAGING) {
                    ensureStaging(deliverLength);
                } else if (skipRemaining == 0 && !finishSkip()) {
                    break;
                }
            } else if (step == Step.STAGING) {
                final int n = Math.min(deliverLength - staged, end - pos);
                staging.putBytes(staged, src, pos, n);
                staged += n;
                pos += n;
                if (staged == deliverLength) {
                    if (skipRemaining > 0) {
                        step = Step.SKIPPING;
                        deliverAfterSkip = true;
                    } else {
                        step = Step.HEADER;
                        if (!deliverStaged() || stopsAfterDelivery()) {
                            break;
                        }
                    }
                }
            } else {
                final int n = (int) Math.min(skipRemaining, end - pos);
                pos += n;
                skipRemaining -= n;
                if (skipRemaining == 0 && !finishSkip()) {
                    break;
                }
            }
        }
        return pos - offset;
    }

    /**
     * The byte stream ended. At a frame boundary that is a clean end; inside a header or payload the reader fails
     * with {@link FrameError#TRUNCATED_HEADER} / {@link FrameError#TRUNCATED_PAYLOAD}. The reader accepts no more
     * input either way.
     */
    public StreamEnd onEndOfStream() {
        if (phase == Phase.FAILED || phase == Phase.ENDED) {
            return StreamEnd.ALREADY_CLOSED;
        }
        if (step == Step.HEADER && headerFilled == 0) {
            phase = Phase.ENDED;
            return StreamEnd.CLEAN;
        }
        if (step == Step.HEADER) {
            fail(FrameError.TRUNCATED_HEADER, FrameHeaderFlyweight.type(header, 0), headerFilled);
            return StreamEnd.TRUNCATED_HEADER;
        }
        fail(FrameError.TRUNCATED_PAYLOAD, frameType, frameLength);
        return StreamEnd.TRUNCATED_PAYLOAD;
    }

    /**
     * Server side: the ClientInfo was opened and the client admitted; {@code meshPeer} enables ForwardPacket,
     * WatchConns and ClosePeer (SPEC §3.8). Ends the pause after the handshake frame.
     *
     * @throws IllegalStateException unless the reader is waiting for exactly this call
     */
    public void clientVerified(final boolean meshPeer) {
        if (phase != Phase.AWAITING_VERIFICATION) {
            throw new IllegalStateException("no ClientInfo awaiting verification (phase " + phase + ")");
        }
        this.meshPeer = meshPeer;
        this.phase = Phase.OPEN;
    }

    /**
     * Called by the handler from inside a frame callback: {@link #onData} returns after this frame, and the bytes
     * after it are the caller's to offer again (the relay stops reading a sender whose destination is backlogged).
     */
    public void yieldAfterFrame() {
        yieldRequested = true;
    }

    private boolean stopsAfterDelivery() {
        return phase == Phase.AWAITING_VERIFICATION || yieldRequested;
    }

    /** True while the first frame (ServerKey or ClientInfo) has not been read. */
    public boolean inHandshake() {
        return phase == Phase.HANDSHAKE;
    }

    /** True between the server's ClientInfo delivery and {@link #clientVerified}. */
    public boolean isAwaitingVerification() {
        return phase == Phase.AWAITING_VERIFICATION;
    }

    /** True once the reader failed or the stream ended: further input is ignored. */
    public boolean isClosed() {
        return phase == Phase.FAILED || phase == Phase.ENDED;
    }

    public boolean isMeshPeer() {
        return meshPeer;
    }

    /** The sticky error, or null while the reader has not failed. */
    public FrameError error() {
        return error;
    }

    /** The error's message (allocates), or null while the reader has not failed. */
    public String errorMessage() {
        return error == null ? null : error.describe(errorType, errorLength);
    }

    /** A {@link DerpProtocolException} for the sticky error, for callers that throw; null if none. */
    public DerpProtocolException errorAsException() {
        return error == null ? null : new DerpProtocolException(error, errorType, errorLength);
    }

    public long dropCount(final FrameDrop reason) {
        return dropCounts[reason.ordinal()];
    }

    /**
     * The declared payload length of the frame being delivered or dropped; meaningful inside the
     * {@link FrameHandler} callbacks (a delivered view may be shorter: see {@link FrameHandler#onFrame}).
     */
    public long currentFrameLength() {
        return frameLength;
    }

    public long framesDelivered() {
        return framesDelivered;
    }

    /** Current staging capacity (0 until a split frame needed one); for tests and gauges. */
    public int stagingCapacity() {
        return staging.capacity();
    }

    public FrameRules rules() {
        return rules;
    }

    /** Applies the side's rules to the header just read; false when the reader failed. */
    private boolean beginFrame() {
        final boolean handshake = phase == Phase.HANDSHAKE;
        if (!handshake && frameLength > rules.ceiling) {
            fail(rules.ceilingError, frameType, frameLength);
            return false;
        }
        final FrameRule rule = handshake ? rules.handshake : rules.steady[frameType];
        switch (rule.judge(frameType, frameLength, meshPeer)) {
            case ACCEPT:
                frameRule = rule;
                deliverLength = (int) Math.min(frameLength, rule.deliverLimit);
                skipRemaining = frameLength - deliverLength;
                staged = 0;
                deliverAfterSkip = deliverLength == 0;
                step = deliverLength == 0 ? Step.SKIPPING : Step.STAGING;
                return true;
            case SKIP:
                return drop(FrameDrop.UNKNOWN_TYPE);
            case TOO_SHORT:
                return rule.shortError != null ? fail(rule.shortError, frameType, frameLength) : drop(rule.shortDrop);
            case TOO_LONG:
                return rule.longError != null ? fail(rule.longError, frameType, frameLength) : drop(rule.longDrop);
            case WRONG_TYPE:
                return fail(rule.wrongTypeError, frameType, frameLength);
            case NOT_PERMITTED:
                return fail(FrameError.INSUFFICIENT_PERMISSIONS, frameType, frameLength);
            default:
                throw new IllegalStateException("unreachable");
        }
    }

    /** Skips the whole frame; its bytes are counted, never stored. */
    private boolean drop(final FrameDrop reason) {
        dropCounts[reason.ordinal()]++;
        handler.onDrop(reason, frameType, frameLength);
        deliverAfterSkip = false;
        skipRemaining = frameLength;
        step = Step.SKIPPING;
        return true;
    }

    /** The skipped tail is done; deliver a staged prefix if there is one. False when reading must stop. */
    private boolean finishSkip() {
        step = Step.HEADER;
        if (!deliverAfterSkip) {
            return true;
        }
        deliverAfterSkip = false;
        return deliverStaged() && !stopsAfterDelivery();
    }

    private boolean deliverStaged() {
        final boolean alive = deliver(staging, 0);
        if (staging.capacity() > RETAINED_STAGING_CAPACITY) {
            staging.wrap(NO_BYTES);
        }
        return alive;
    }

    /** Hands {@code deliverLength} bytes at {@code buffer[payload]} to the handler; false when the reader failed. */
    private boolean deliver(final DirectBuffer buffer, final int payload) {
        if (frameRule.needsMagic && !ServerKeyFlyweight.isValidGreeting(buffer, payload, deliverLength)) {
            return fail(FrameError.GREETING_BAD_MAGIC, frameType, frameLength);
        }
        if (phase == Phase.HANDSHAKE) {
            phase = rules.pauseAfterHandshake ? Phase.AWAITING_VERIFICATION : Phase.OPEN;
        }
        framesDelivered++;
        handler.onFrame(frameType, buffer, payload, deliverLength);
        return phase != Phase.FAILED && phase != Phase.ENDED;
    }

    private void ensureStaging(final int needed) {
        if (staging.capacity() >= needed) {
            return;
        }
        int capacity = Math.max(INITIAL_STAGING_CAPACITY, staging.capacity() * 2);
        while (capacity < needed) {
            capacity *= 2;
        }
        staging.wrap(new byte[Math.min(capacity, Math.max(needed, rules.stagingLimit))]);
    }

    private boolean fail(final FrameError reason, final int type, final long length) {
        phase = Phase.FAILED;
        error = reason;
        errorType = type;
        errorLength = length;
        handler.onError(reason, type, length);
        return false;
    }
}
