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
 * Seals and opens the ServerInfo frame, {@code nonce || box(json)} (SPEC §2.2, §2.4; Go {@code sendServerInfo} /
 * {@code parseServerInfo}). The box is NaCl {@code crypto_box} from the server's private key to the client's public
 * key. Once per connection, so it may allocate.
 */
public final class ServerInfoFrame {
    private ServerInfoFrame() {
    }

    /** Seals with a fresh random nonce (the normal case) and writes the whole frame; returns the bytes written. */
    public static int seal(final NaclBox box, final NodePrivateKey serverPrivate, final NodeKey clientKey,
                           final ServerInfo info, final MutableDirectBuffer dst, final int frameOffset) {
        final int nonceAt = frameOffset + HEADER_LENGTH + ServerInfoFlyweight.NONCE_OFFSET;
        Nonces.random(dst, nonceAt);
        return seal(box, serverPrivate, clientKey, info, dst, nonceAt, dst, frameOffset);
    }

    /** Seals with the given nonce (tests and vectors) and writes the whole frame; returns the bytes written. */
    public static int seal(final NaclBox box, final NodePrivateKey serverPrivate, final NodeKey clientKey,
                           final ServerInfo info, final DirectBuffer nonce, final int nonceOffset,
                           final MutableDirectBuffer dst, final int frameOffset) {
        final byte[] json = info.toJson();
        final int written = ServerInfoFlyweight.encodePrefix(dst, frameOffset, nonce, nonceOffset,
            json.length + NaclBox.TAG_LENGTH);
        final int payload = frameOffset + HEADER_LENGTH;
        box.seal(BoxKey.derive(serverPrivate, clientKey), dst, ServerInfoFlyweight.nonceOffset(payload),
            new UnsafeBuffer(json), 0, json.length, dst, ServerInfoFlyweight.boxOffset(payload));
        return written;
    }

    /**
     * Opens a ServerInfo payload as delivered by the client's {@link FrameReader} with (client private, server
     * public) and parses the JSON. Every failure is fatal for the client (derp_client.go: "invalid server info
     * frame").
     *
     * @throws DerpProtocolException {@link FrameError#SERVER_INFO_TOO_SHORT} / {@code _TOO_LONG},
     *                               {@link FrameError#SERVER_INFO_OPEN_FAILED}, {@link FrameError#SERVER_INFO_BAD_JSON}
     */
    public static ServerInfo open(final NaclBox box, final NodePrivateKey clientPrivate, final NodeKey serverKey,
                                  final DirectBuffer buffer, final int payloadOffset, final int payloadLength)
        throws DerpProtocolException {
        if (payloadLength < FrameLimits.SERVER_INFO_MIN_LENGTH) {
            throw new DerpProtocolException(FrameError.SERVER_INFO_TOO_SHORT, FrameType.SERVER_INFO, payloadLength);
        }
        if (payloadLength > FrameLimits.SERVER_INFO_MAX_LENGTH) {
            throw new DerpProtocolException(FrameError.SERVER_INFO_TOO_LONG, FrameType.SERVER_INFO, payloadLength);
        }
        final int boxLength = ServerInfoFlyweight.boxLength(payloadLength);
        final BoxKey key;
        try {
            key = BoxKey.derive(clientPrivate, serverKey);
        } catch (final CryptoException e) {
            throw new DerpProtocolException(FrameError.SERVER_INFO_OPEN_FAILED, FrameType.SERVER_INFO, boxLength, e);
        }
        final byte[] plain = new byte[Math.max(0, boxLength - NaclBox.TAG_LENGTH)];
        final int length = box.open(key, buffer, ServerInfoFlyweight.nonceOffset(payloadOffset), buffer,
            ServerInfoFlyweight.boxOffset(payloadOffset), boxLength, new UnsafeBuffer(plain), 0);
        if (length == NaclBox.OPEN_FAILED) {
            throw new DerpProtocolException(FrameError.SERVER_INFO_OPEN_FAILED, FrameType.SERVER_INFO, boxLength);
        }
        return ServerInfo.fromJson(plain, length);
    }
}
