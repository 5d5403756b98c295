package io.derpring.server;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

import io.derpring.internal.crypto.NaclBox;
import io.derpring.internal.frame.ClientInfo;
import io.derpring.internal.frame.ClientInfoFrame;
import io.derpring.internal.frame.DerpProtocolException;
import io.derpring.internal.frame.FrameType;
import io.derpring.internal.frame.PacketFlyweight;
import io.derpring.internal.frame.ServerInfoFrame;
import io.derpring.internal.frame.ServerKeyFlyweight;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.server.DerpTestClient.Frame;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A blocking RFC 6455 client for tests that controls every message boundary: {@link #sendMessage} writes one binary
 * message as the given fragments (a first binary frame, then continuation frames), masked as a client must. Reading
 * joins the payloads of the server's data frames into one DERP byte stream; a close frame ends it and is kept
 * ({@link #closeStatus()}). Not thread-safe; one per test connection.
 */
final class WebSocketTestClient implements AutoCloseable {
    static final int OPCODE_CONTINUATION = 0x0;
    static final int OPCODE_TEXT = 0x1;
    static final int OPCODE_BINARY = 0x2;
    static final int OPCODE_CLOSE = 0x8;
    static final int OPCODE_PING = 0x9;
    static final int OPCODE_PONG = 0xA;
    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final Socket socket;
    private final OutputStream out;
    private final InputStream raw;
    private final MessageStream messages;
    private final DataInputStream derp;
    private final NodePrivateKey key = NodePrivateKey.generate();
    private final NaclBox box = new NaclBox();
    private String responseHead;
    private int closeStatus = -1;
    private NodeKey serverKey;
    /** Control frames seen while reading data (opcode of the last one). */
    private int lastControlOpcode = -1;
    private byte[] lastControlPayload;

    private WebSocketTestClient(final Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.raw = socket.getInputStream();
        this.messages = new MessageStream();
        this.derp = new DataInputStream(messages);
    }

    static WebSocketTestClient open(final InetSocketAddress server) throws IOException {
        return open(server, 0);
    }

    /** As {@link #open(InetSocketAddress)}, with SO_RCVBUF set before connecting (0: OS default). */
    static WebSocketTestClient open(final InetSocketAddress server, final int receiveBufferBytes) throws IOException {
        final Socket s = new Socket();
        if (receiveBufferBytes > 0) {
            s.setReceiveBufferSize(receiveBufferBytes); // before connect, so the TCP window is small from the start
        }
        s.connect(server, 10_000);
        s.setTcpNoDelay(true);
        s.setSoTimeout(10_000);
        return new WebSocketTestClient(s);
    }

    /** Upgrades with {@code Sec-WebSocket-Protocol: derp} and completes the DERP handshake. */
    static WebSocketTestClient connect(final InetSocketAddress server) throws IOException {
        final WebSocketTestClient c = open(server);
        try {
            c.upgrade("derp");
            c.derpHandshake();
        } catch (final IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** The request Go's client sends (nhooyr websocket.Dial), with {@code protocol} offered (null: none). */
    static String upgradeRequest(final String secKey, final String protocol) {
        return "GET /derp HTTP/1.1\r\nHost: derp.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
            + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + secKey + "\r\n"
            + (protocol == null ? "" : "Sec-WebSocket-Protocol: " + protocol + "\r\n") + "\r\n";
    }

    static String newSecKey() {
        final byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }

    /** RFC 6455 §4.2.2: base64(SHA-1(key + GUID)). */
    static String expectedAccept(final String secKey) {
        try {
            return Base64.getEncoder().encodeToString(
                MessageDigest.getInstance("SHA-1").digest((secKey + ACCEPT_GUID).getBytes(US_ASCII)));
        } catch (final NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Sends the upgrade request and reads the response head; throws unless it is a valid 101 for our key. */
    void upgrade(final String protocol) throws IOException {
        final String secKey = newSecKey();
        out.write(upgradeRequest(secKey, protocol).getBytes(US_ASCII));
        out.flush();
        responseHead = readHead();
        if (!responseHead.startsWith("HTTP/1.1 101 ")
            || !responseHead.toLowerCase().contains("sec-websocket-accept: " + expectedAccept(secKey).toLowerCase())) {
            throw new IOException("WebSocket upgrade failed: " + responseHead);
        }
    }

    /** ServerKey in, ClientInfo out as one message, ServerInfo in. */
    void derpHandshake() throws IOException {
        final Frame greeting = readFrame();
        if (greeting.type() != FrameType.SERVER_KEY
            || !ServerKeyFlyweight.isValidGreeting(greeting.buffer(), 0, greeting.payload().length)) {
            throw new IOException("invalid server greeting, type " + greeting.type());
        }
        serverKey = ServerKeyFlyweight.readServerKey(greeting.buffer(), 0);
        sendMessage(clientInfoFrame());
        final Frame si = readFrame();
        if (si.type() != FrameType.SERVER_INFO) {
            throw new IOException("expected ServerInfo, got type " + si.type());
        }
        try {
            ServerInfoFrame.open(box, key, serverKey, si.buffer(), 0, si.payload().length);
        } catch (final DerpProtocolException e) {
            throw new IOException(e);
        }
    }

    byte[] clientInfoFrame() {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[1024]);
        final int n = ClientInfoFrame.seal(box, key, serverKey, ClientInfo.standard(), b, 0);
        final byte[] frame = new byte[n];
        b.getBytes(0, frame);
        return frame;
    }

    /** The bytes of one SendPacket frame. */
    static byte[] sendPacketFrame(final NodeKey dst, final byte[] packet) {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[PacketFlyweight.frameLength(packet.length)]);
        final int n = PacketFlyweight.encodeSendPacket(b, 0, dst, new UnsafeBuffer(packet), 0, packet.length);
        final byte[] frame = new byte[n];
        b.getBytes(0, frame);
        return frame;
    }

    /** One binary message made of {@code fragments}: a binary frame, then continuation frames, FIN on the last. */
    void sendMessage(final byte[]... fragments) throws IOException {
        for (int i = 0; i < fragments.length; i++) {
            sendFrame(i == 0 ? OPCODE_BINARY : OPCODE_CONTINUATION, i == fragments.length - 1, fragments[i]);
        }
    }

    /** One masked frame of any opcode. */
    void sendFrame(final int opcode, final boolean fin, final byte[] payload) throws IOException {
        final ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
        f.write((fin ? 0x80 : 0) | opcode);
        if (payload.length < 126) {
            f.write(0x80 | payload.length);
        } else if (payload.length <= 0xFFFF) {
            f.write(0x80 | 126);
            f.write(payload.length >>> 8);
            f.write(payload.length);
        } else {
            f.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                f.write((int) ((long) payload.length >>> shift));
            }
        }
        final byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        f.write(mask, 0, 4);
        for (int i = 0; i < payload.length; i++) {
            f.write(payload[i] ^ mask[i & 3]);
        }
        out.write(f.toByteArray());
        out.flush();
    }

    /** The next DERP frame from the joined message payloads. */
    Frame readFrame() throws IOException {
        final int type = derp.readUnsignedByte();
        final int length = derp.readInt();
        if (length < 0 || length > (1 << 20)) {
            throw new IOException("unexpectedly large frame of " + Integer.toUnsignedLong(length) + " bytes");
        }
        final byte[] payload = new byte[length];
        derp.readFully(payload);
        return new Frame(type, payload);
    }

    /** The next DERP frame of {@code type}, skipping others (KeepAlive, ...). */
    Frame awaitFrame(final int type) throws IOException {
        for (;;) {
            final Frame f = readFrame();
            if (f.type() == type) {
                return f;
            }
        }
    }

    /** Reads until the server's close frame or EOF; returns the close status, -1 if none came. */
    int awaitClose() throws IOException {
        try {
            while (derp.read() >= 0) {
                // discard data until the close
            }
        } catch (final IOException e) {
            // reset by the server after its close frame
        }
        return closeStatus;
    }

    /**
     * The payload of the server's next pong, skipping data and other control frames; call between DERP frames (a data
     * frame partly read is skipped with the rest).
     *
     * @throws EOFException the server closed first
     */
    byte[] readPong() throws IOException {
        return messages.nextPong();
    }

    int closeStatus() {
        return closeStatus;
    }

    int lastControlOpcode() {
        return lastControlOpcode;
    }

    byte[] lastControlPayload() {
        return lastControlPayload;
    }

    String responseHead() {
        return responseHead;
    }

    NodeKey publicKey() {
        return key.publicKey();
    }

    private String readHead() throws IOException {
        final ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        final byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            final int c = raw.read();
            if (c < 0) {
                throw new EOFException("EOF in HTTP head: " + head.toString(US_ASCII));
            }
            head.write(c);
            matched = c == end[matched] ? matched + 1 : (c == '\r' ? 1 : 0);
        }
        return head.toString(US_ASCII);
    }

    /** Server frames' data payloads as one stream; control frames are noted, a close ends the stream. */
    private final class MessageStream extends InputStream {
        private long left;

        @Override
        public int read() throws IOException {
            final byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(final byte[] b, final int off, final int len) throws IOException {
            while (left == 0) {
                if (!nextDataFrame()) {
                    return -1;
                }
            }
            final int n = raw.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                return -1;
            }
            left -= n;
            return n;
        }

        byte[] nextPong() throws IOException {
            for (;;) {
                raw.skipNBytes(left);
                left = 0;
                lastControlOpcode = -1;
                if (!nextDataFrame()) {
                    throw new EOFException("closed before a pong, close status " + closeStatus);
                }
                if (lastControlOpcode == OPCODE_PONG) {
                    return lastControlPayload;
                }
            }
        }

        private boolean nextDataFrame() throws IOException {
            final int b0 = raw.read();
            final int b1 = raw.read();
            if (b0 < 0 || b1 < 0) {
                return false;
            }
            if ((b1 & 0x80) != 0) {
                throw new IOException("server frames must not be masked");
            }
            long length = b1 & 0x7F;
            if (length == 126) {
                length = (raw.read() << 8) | raw.read();
            } else if (length == 127) {
                length = 0;
                for (int i = 0; i < 8; i++) {
                    length = (length << 8) | raw.read();
                }
            }
            final int opcode = b0 & 0x0F;
            if (opcode == OPCODE_BINARY || opcode == OPCODE_CONTINUATION) {
                left = length;
                return true;
            }
            final byte[] payload = raw.readNBytes((int) length);
            lastControlOpcode = opcode;
            lastControlPayload = payload;
            if (opcode == OPCODE_CLOSE) {
                closeStatus = payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 0;
                return false;
            }
            return true; // ping/pong: keep reading data
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (final IOException ignored) {
            // closing a test socket
        }
    }
}
