package io.derpring.internal.frame;

/**
 * What one side does with one frame type: deliver or skip, the length bounds and whether breaking them is fatal or a
 * drop, how many leading bytes to deliver, and whether the frame needs a mesh peer. Rows of a {@link FrameRules}
 * table; immutable and built once per side.
 */
final class FrameRule {
    /** The outcome of checking a header against a rule, before any payload byte is read. */
    enum Verdict { ACCEPT, SKIP, TOO_SHORT, TOO_LONG, WRONG_TYPE, NOT_PERMITTED }

    static final int ANY_TYPE = -1;
    private static final int WHOLE_PAYLOAD = Integer.MAX_VALUE;

    final boolean deliver;
    final long minLength;
    final FrameError shortError;
    final FrameDrop shortDrop;
    final long maxLength;
    final FrameError longError;
    final FrameDrop longDrop;
    final int deliverLimit;
    final boolean needsMesh;
    final boolean meshCheckedFirst;
    final int expectedType;
    final FrameError wrongTypeError;
    final boolean maxCheckedBeforeType;
    final boolean needsMagic;

    private FrameRule(final boolean deliver, final long minLength, final FrameError shortError, final FrameDrop shortDrop,
                      final long maxLength, final FrameError longError, final FrameDrop longDrop,
                      final int deliverLimit, final boolean needsMesh, final boolean meshCheckedFirst,
                      final int expectedType, final FrameError wrongTypeError, final boolean maxCheckedBeforeType,
                      final boolean needsMagic) {
        this.deliver = deliver;
        this.minLength = minLength;
        this.shortError = shortError;
        this.shortDrop = shortDrop;
        this.maxLength = maxLength;
        this.longError = longError;
        this.longDrop = longDrop;
        this.deliverLimit = deliverLimit;
        this.needsMesh = needsMesh;
        this.meshCheckedFirst = meshCheckedFirst;
        this.expectedType = expectedType;
        this.wrongTypeError = wrongTypeError;
        this.maxCheckedBeforeType = maxCheckedBeforeType;
        this.needsMagic = needsMagic;
    }

    /** Discard the frame by counting bytes (Go {@code default: continue} / {@code handleUnknownFrame}). */
    static FrameRule skip() {
        return new FrameRule(false, 0, null, null, Long.MAX_VALUE, null, null, 0, false, false, ANY_TYPE, null, false, false);
    }

    /** Deliver the whole payload, any length (bounded only by the side's ceiling until narrowed). */
    static FrameRule deliver() {
        return new FrameRule(true, 0, null, null, Long.MAX_VALUE, null, null, WHOLE_PAYLOAD, false, false, ANY_TYPE, null, false, false);
    }

    /** Shorter than {@code min} is fatal. */
    FrameRule atLeast(final long min, final FrameError error) {
        return new FrameRule(deliver, min, error, null, maxLength, longError, longDrop, deliverLimit, needsMesh,
            meshCheckedFirst, expectedType, wrongTypeError, maxCheckedBeforeType, needsMagic);
    }

    /** Shorter than {@code min} is dropped; reading goes on. */
    FrameRule atLeast(final long min, final FrameDrop drop) {
        return new FrameRule(deliver, min, null, drop, maxLength, longError, longDrop, deliverLimit, needsMesh,
            meshCheckedFirst, expectedType, wrongTypeError, maxCheckedBeforeType, needsMagic);
    }

    /** Longer than {@code max} is fatal. */
    FrameRule atMost(final long max, final FrameError error) {
        return new FrameRule(deliver, minLength, shortError, shortDrop, max, error, null, deliverLimit, needsMesh,
            meshCheckedFirst, expectedType, wrongTypeError, maxCheckedBeforeType, needsMagic);
    }

    /** Longer than {@code max} is skipped unbuffered and counted; reading goes on. */
    FrameRule atMost(final long max, final FrameDrop drop) {
        return new FrameRule(deliver, minLength, shortError, shortDrop, max, null, drop, deliverLimit, needsMesh,
            meshCheckedFirst, expectedType, wrongTypeError, maxCheckedBeforeType, needsMagic);
    }

    /** Any length but {@code length} is fatal. */
    FrameRule exactly(final long length, final FrameError error) {
        return atLeast(length, error).atMost(length, error);
    }

    /** Deliver only the first {@code count} bytes; the rest is skipped, never buffered. */
    FrameRule firstBytes(final int count) {
        return new FrameRule(deliver, minLength, shortError, shortDrop, maxLength, longError, longDrop, count,
            needsMesh, meshCheckedFirst, expectedType, wrongTypeError, maxCheckedBeforeType, needsMagic);
    }

    /** Only a mesh peer may send it; {@code checkedFirst}: permission is checked before the length. */
    FrameRule meshOnly(final boolean checkedFirst) {
        return new FrameRule(deliver, minLength, shortError, shortDrop, maxLength, longError, longDrop, deliverLimit,
            true, checkedFirst, expectedType, wrongTypeError, maxCheckedBeforeType, needsMagic);
    }

    /** A handshake rule: any other type is fatal; {@code maxFirst}: the length cap is checked before the type. */
    FrameRule expectType(final int type, final FrameError error, final boolean maxFirst) {
        return new FrameRule(deliver, minLength, shortError, shortDrop, maxLength, longError, longDrop, deliverLimit,
            needsMesh, meshCheckedFirst, type, error, maxFirst, needsMagic);
    }

    /** The delivered bytes must start with the ServerKey magic. */
    FrameRule withMagic() {
        return new FrameRule(deliver, minLength, shortError, shortDrop, maxLength, longError, longDrop, deliverLimit,
            needsMesh, meshCheckedFirst, expectedType, wrongTypeError, maxCheckedBeforeType, true);
    }

    /** The most bytes this rule ever buffers, given the side's ceiling. */
    long stagedAtMost(final long ceiling) {
        return deliver ? Math.min(deliverLimit, Math.min(maxLength, ceiling)) : 0;
    }

    /** Checks a header; allocation-free. The order of checks is Go's (SPEC §1.5: ClosePeer size before permission). */
    Verdict judge(final int type, final long length, final boolean meshPeer) {
        if (expectedType != ANY_TYPE) {
            if (maxCheckedBeforeType && length > maxLength) {
                return Verdict.TOO_LONG;
            }
            if (type != expectedType) {
                return Verdict.WRONG_TYPE;
            }
        }
        if (!deliver) {
            return Verdict.SKIP;
        }
        if (needsMesh && meshCheckedFirst && !meshPeer) {
            return Verdict.NOT_PERMITTED;
        }
        if (length < minLength) {
            return Verdict.TOO_SHORT;
        }
        if (length > maxLength) {
            return Verdict.TOO_LONG;
        }
        if (needsMesh && !meshPeer) {
            return Verdict.NOT_PERMITTED;
        }
        return Verdict.ACCEPT;
    }
}
