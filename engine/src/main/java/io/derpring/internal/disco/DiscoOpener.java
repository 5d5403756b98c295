package io.derpring.internal.disco;

import static io.derpring.internal.disco.DiscoHeaderFlyweight.MAX_SEALED_LENGTH;
import static io.derpring.internal.disco.DiscoHeaderFlyweight.MIN_SEALED_LENGTH;
import static io.derpring.internal.disco.DiscoHeaderFlyweight.PAYLOAD_IN_PLACE_OFFSET;

import io.derpring.internal.crypto.BoxKey;
import io.derpring.internal.crypto.NaclBox;
import io.derpring.keys.PublicKey;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Opens a sealed disco packet and parses its payload (SPEC §4.1, §4.2, used by the §5.6 demux): checks the
 * magic, takes the sender's disco key from the header, gets the box key for it from a {@link DiscoKeyCache},
 * opens the box and parses the plaintext. Every outcome is a {@link DiscoOpenResult}; bad input never throws.
 *
 * <p>Where the plaintext goes:
 * <ul>
 *   <li>{@link #open(DirectBuffer, int, int)} decrypts into this opener's own scratch buffer (64 KiB, allocated
 *       once); the packet is left untouched.</li>
 *   <li>{@link #openInPlace(MutableDirectBuffer, int, int)} decrypts over the ciphertext in the caller's buffer
 *       (plaintext at {@code offset + 78}, as RS {@code handle_relayed_call_me_maybe} does). Bytes there are
 *       overwritten only if the box authenticates.</li>
 * </ul>
 * Either way the views returned by {@link #ping()}, {@link #pong()} and {@link #callMeMaybe()} point at that
 * plaintext and stay valid until the next open (and, in place, while the caller's buffer is unchanged).
 *
 * <p>A warmed-up open for a cached peer allocates nothing. Not thread-safe: one per consumer thread.
 */
public final class DiscoOpener {
    private final DiscoKeyCache keys;
    private final NaclBox box = new NaclBox();
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[MAX_SEALED_LENGTH - PAYLOAD_IN_PLACE_OFFSET]);
    private final DiscoHeaderFlyweight header = new DiscoHeaderFlyweight();
    private final DiscoMessageParser parser = new DiscoMessageParser();
    private boolean hasHeader;

    /** @param keys box keys for our disco private key; this opener becomes its (single-threaded) user */
    public DiscoOpener(final DiscoKeyCache keys) {
        this.keys = keys;
    }

    /** Opens {@code packet[offset, offset + length)} into the opener's scratch buffer; the packet is not changed. */
    public DiscoOpenResult open(final DirectBuffer packet, final int offset, final int length) {
        return open(packet, offset, length, scratch, 0);
    }

    /** Opens in place: the plaintext replaces the ciphertext at {@code packet[offset + 78]}. */
    public DiscoOpenResult openInPlace(final MutableDirectBuffer packet, final int offset, final int length) {
        return open(packet, offset, length, packet, offset + PAYLOAD_IN_PLACE_OFFSET);
    }

    private DiscoOpenResult open(final DirectBuffer packet, final int offset, final int length,
        final MutableDirectBuffer plaintext, final int plaintextOffset) {
        parser.clear(scratch);  // a failed open must not leave the previous message readable
        hasHeader = false;
        if (!DiscoHeaderFlyweight.looksLikeDisco(packet, offset, length)) {
            return DiscoOpenResult.NOT_DISCO;
        }
        header.wrap(packet, offset, length);
        hasHeader = true;
        if (length > MAX_SEALED_LENGTH) {
            return DiscoOpenResult.TOO_LONG;
        }
        if (length < MIN_SEALED_LENGTH) {
            return DiscoOpenResult.TOO_SHORT;  // no room for tag, type and version: skip X25519 and the MAC
        }
        final BoxKey key = keys.boxKeyFor(packet, header.senderKeyOffset());
        if (key == null) {
            return DiscoOpenResult.BAD_SENDER_KEY;
        }
        final int plainLength = box.open(key, packet, header.nonceOffset(),
            packet, header.boxOffset(), header.boxLength(), plaintext, plaintextOffset);
        if (plainLength == NaclBox.OPEN_FAILED) {
            return DiscoOpenResult.BOX_FAILED;
        }
        return parser.parse(plaintext, plaintextOffset, plainLength);
    }

    /**
     * True when the last packet looked like disco and its header names {@code sender}; allocation-free. Only an
     * OK result proves the sender holds that key (the box authenticated).
     */
    public boolean senderIs(final PublicKey sender) {
        return hasHeader && sender.matches(header.buffer(), header.senderKeyOffset());
    }

    /** The last packet's header; meaningful only when that packet looked like disco. */
    public DiscoHeaderFlyweight header() {
        return header;
    }

    /** The parser holding the last payload: type, version, raw payload position. */
    public DiscoMessageParser message() {
        return parser;
    }

    /** Valid after {@link DiscoOpenResult#OK_PING}. */
    public PingFlyweight ping() {
        return parser.ping();
    }

    /** Valid after {@link DiscoOpenResult#OK_PONG}. */
    public PongFlyweight pong() {
        return parser.pong();
    }

    /** Valid after {@link DiscoOpenResult#OK_CALL_ME_MAYBE}. */
    public CallMeMaybeFlyweight callMeMaybe() {
        return parser.callMeMaybe();
    }

    /** The cache this opener derives box keys from. */
    public DiscoKeyCache keys() {
        return keys;
    }
}
