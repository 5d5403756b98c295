package io.derpring.internal.frame;

import static io.derpring.internal.frame.FrameHeaderFlyweight.HEADER_LENGTH;

import io.derpring.internal.crypto.BoxKey;
import io.derpring.internal.crypto.CryptoException;
import io.derpring.internal.crypto.NaclBox;
import io.derpring.internal.crypto.Nonces;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Seals and opens the ClientInfo frame, {@code clientPub || nonce || box(json)} (SPEC §2.2, §2.3; Go
 * {@code sendClientKey} / {@code recvClientKey}). The box is NaCl {@code crypto_box} from the client's private key
 * to the server's public key. Once per connection, so it may allocate.
 */
public final class ClientInfoFrame {
    private ClientInfoFrame() {
    }

    /** A ClientInfo as the server opened it: who the client says it is, and what it asked for. */
    public record Opened(NodeKey clientKey, ClientInfo info) {
    }

    /** Whole frame length for {@code info}. */
    public static int frameLength(final ClientInfo info) {
        return HEADER_LENGTH + ClientInfoFlyweight.payloadLength(info.toJson().length);
    }

    /** Seals with a fresh random nonce (the normal case) and writes the whole frame; returns the bytes written. */
    public static int seal(final NaclBox box, final NodePrivateKey clientPrivate, final NodeKey serverKey,
                           final ClientInfo info, final MutableDirectBuffer dst, final int frameOffset) {
        final int nonceAt = frameOffset + HEADER_LENGTH + ClientInfoFlyweight.NONCE_OFFSET;
        Nonces.random(dst, nonceAt);
        return seal(box, clientPrivate, serverKey, info, dst, nonceAt, dst, frameOffset);
    }

    /** Seals with the given nonce (tests and vectors) and writes the whole frame; returns the bytes written. */
    public static int seal(final NaclBox box, final NodePrivateKey clientPrivate, final NodeKey serverKey,
                           final ClientInfo info, final DirectBuffer nonce, final int nonceOffset,
                           final MutableDirectBuffer dst, final int frameOffset) {
        final byte[] json = info.toJson();
        final int boxLength = json.length + NaclBox.TAG_LENGTH;
        final int written = ClientInfoFlyweight.encodePrefix(dst, frameOffset, clientPrivate.publicKey(), nonce,
            nonceOffset, boxLength);
        final int payload = frameOffset + HEADER_LENGTH;
        box.seal(BoxKey.derive(clientPrivate, serverKey), dst, ClientInfoFlyweight.nonceOffset(payload),
            new UnsafeBuffer(json), 0, json.length, dst, ClientInfoFlyweight.boxOffset(payload));
        return written;
    }

    /**
     * Opens a ClientInfo payload as delivered by the server's {@link FrameReader}: derives the box key from the
     * server's private key and the client key in the frame, opens the box and parses the JSON.
     *
     * @throws DerpProtocolException {@link FrameError#CLIENT_INFO_TOO_SHORT} / {@code _TOO_LONG} for a bad length,
     *                               {@link FrameError#CLIENT_INFO_OPEN_FAILED} when the box does not open (or the
     *                               client key is zero or of low order), {@link FrameError#CLIENT_INFO_BAD_JSON}
     */
    public static Opened open(final NaclBox box, final NodePrivateKey serverPrivate, final DirectBuffer buffer,
                              final int payloadOffset, final int payloadLength) throws DerpProtocolException {
        if (payloadLength < FrameLimits.CLIENT_INFO_MIN_LENGTH) {
            throw new DerpProtocolException(FrameError.CLIENT_INFO_TOO_SHORT, FrameType.CLIENT_INFO, payloadLength);
        }
        if (payloadLength > FrameLimits.CLIENT_INFO_MAX_LENGTH) {
            throw new DerpProtocolException(FrameError.CLIENT_INFO_TOO_LONG, FrameType.CLIENT_INFO, payloadLength);
        }
        final NodeKey clientKey = ClientInfoFlyweight.readClientKey(buffer, payloadOffset);
        final int boxLength = ClientInfoFlyweight.boxLength(payloadLength);
        final BoxKey key;
        try {
            key = BoxKey.derive(serverPrivate, clientKey);
        } catch (final CryptoException e) {
            throw new DerpProtocolException(FrameError.CLIENT_INFO_OPEN_FAILED, FrameType.CLIENT_INFO, boxLength, e);
        }
        final byte[] plain = new byte[Math.max(0, boxLength - NaclBox.TAG_LENGTH)];
        final int length = box.open(key, buffer, ClientInfoFlyweight.nonceOffset(payloadOffset), buffer,
            ClientInfoFlyweight.boxOffset(payloadOffset), boxLength, new UnsafeBuffer(plain), 0);
        if (length == NaclBox.OPEN_FAILED) {
            throw new DerpProtocolException(FrameError.CLIENT_INFO_OPEN_FAILED, FrameType.CLIENT_INFO, boxLength);
        }
        return new Opened(clientKey, ClientInfo.fromJson(plain, length));
    }
}
