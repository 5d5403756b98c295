package io.derpring.server;

import java.util.Locale;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker13;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;

/**
 * The server side of DERP over WebSocket (Go {@code cmd/derper/websocket.go}): which {@code /derp} requests are
 * WebSocket, and the RFC 6455 handshake answer for them (Netty's version-13 handshaker). Once per connection, so it
 * may allocate.
 *
 * <p>As in Go, a request is WebSocket only if its Upgrade is {@code websocket} and its {@code Sec-WebSocket-Protocol}
 * contains "derp": very early Tailscale clients sent {@code Upgrade: WebSocket} but spoke plain DERP, and still get
 * the ordinary DERP upgrade.
 */
final class WebSocketUpgrade {
    /** The subprotocol Go's client offers and its server selects. */
    static final String SUBPROTOCOL = "derp";
    static final String UPGRADE_VALUE = "websocket";
    /** Netty's handshaker wants the endpoint's URL; only its log messages use it. */
    private static final String DERP_PATH = "/derp";
    /**
     * Largest WebSocket frame payload read, so one frame cannot make the decoder hold more than this. Above the
     * largest DERP frame (5-byte header, 32-byte key, 64 KiB packet) so a client that sends one DERP frame per
     * message fits; a larger frame is answered with close code 1009 and the connection dropped and counted.
     */
    static final int MAX_FRAME_PAYLOAD_BYTES = 128 * 1024;
    /**
     * Client frames must be masked (RFC 6455 §5.1); no extensions (Go disables compression: WireGuard packets do not
     * compress); binary data only, so no UTF-8 check; a violation closes with the RFC's status code.
     */
    static final WebSocketDecoderConfig DECODER_CONFIG = WebSocketDecoderConfig.newBuilder()
        .maxFramePayloadLength(MAX_FRAME_PAYLOAD_BYTES)
        .expectMaskedFrames(true)
        .allowMaskMismatch(false)
        .allowExtensions(false)
        .closeOnProtocolViolation(true)
        .withUTF8Validator(false)
        .build();

    private WebSocketUpgrade() {
    }

    /** Go's test: {@code Upgrade} is "websocket" (any case) and {@code Sec-WebSocket-Protocol} contains "derp". */
    static boolean isDerpWebSocket(final String upgradeLowerCase, final HttpHeaders headers) {
        if (!UPGRADE_VALUE.equals(upgradeLowerCase)) {
            return false;
        }
        final String protocols = headers.get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
        return protocols != null && protocols.toLowerCase(Locale.ROOT).contains(SUBPROTOCOL);
    }

    /**
     * The 101 answer to {@code request}, with {@code Sec-WebSocket-Protocol: derp} when the client offered exactly
     * that token.
     *
     * @throws WebSocketHandshakeException the request is not a valid version-13 handshake (no key, other version)
     */
    static FullHttpResponse handshakeResponse(final HttpRequest request) throws WebSocketHandshakeException {
        final String version = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_VERSION);
        if (!WebSocketVersion.V13.toHttpHeaderValue().equals(version)) {
            throw new WebSocketHandshakeException("unsupported WebSocket version: " + version);
        }
        // The router has read the request's end already; the handshaker wants a full request, bodiless here.
        final DefaultFullHttpRequest full = new DefaultFullHttpRequest(request.protocolVersion(), request.method(),
            request.uri(), Unpooled.EMPTY_BUFFER, request.headers(), EmptyHttpHeaders.INSTANCE);
        return new Handshaker().response(full);
    }

    /** True if {@code response} selected the derp subprotocol (Go closes the connection otherwise). */
    static boolean selectedDerp(final FullHttpResponse response) {
        return SUBPROTOCOL.equals(response.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL));
    }

    /** Netty's handshaker keeps the selected subprotocol in a field: one per handshake, only to build the answer. */
    private static final class Handshaker extends WebSocketServerHandshaker13 {
        Handshaker() {
            super(DERP_PATH, SUBPROTOCOL, DECODER_CONFIG);
        }

        FullHttpResponse response(final DefaultFullHttpRequest request) {
            return newHandshakeResponse(request, null);
        }
    }
}
