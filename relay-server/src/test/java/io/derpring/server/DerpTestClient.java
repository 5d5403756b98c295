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
import java.net.SocketTimeoutException;
import java.time.Duration;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import io.derpring.internal.crypto.NaclBox;
import io.derpring.internal.frame.ClientInfo;
import io.derpring.internal.frame.ClientInfoFrame;
import io.derpring.internal.frame.DerpProtocolException;
import io.derpring.internal.frame.FrameHeaderFlyweight;
import io.derpring.internal.frame.FrameType;
import io.derpring.internal.frame.NotePreferredFlyweight;
import io.derpring.internal.frame.PacketFlyweight;
import io.derpring.internal.frame.PingFlyweight;
import io.derpring.internal.frame.ServerInfo;
import io.derpring.internal.frame.ServerInfoFrame;
import io.derpring.internal.frame.ServerKeyFlyweight;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A small blocking DERP client for tests, built on plain {@link Socket}s and the engine's frame codecs: HTTP
 * upgrade (or raw DERP), optional TLS, the handshake, and frame-at-a-time send and receive with timeouts.
 * Not thread-safe; one per test connection. Other modules reuse it through this module's test-jar.
 */
public final class DerpTestClient implements AutoCloseable {
    /** How a client connects. */
    public enum Mode { HTTP, HTTP_FAST_START, RAW }

    /** One frame as read: type and whole payload. */
    public record Frame(int type, byte[] payload) {
        public UnsafeBuffer buffer() {
            return new UnsafeBuffer(payload);
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final NodePrivateKey key;
    private final NaclBox box = new NaclBox();
    private NodeKey serverKey;
    private ServerInfo serverInfo;
    private String upgradeResponse;

    private DerpTestClient(final Socket socket, final NodePrivateKey key) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.key = key;
    }

    /** A TCP (or TLS) connection with nothing sent yet. */
    public static DerpTestClient open(final InetSocketAddress server, final SSLContext tls, final NodePrivateKey key)
        throws IOException {
        return open(server, tls, key, 0);
    }

    /** As {@link #open(InetSocketAddress, SSLContext, NodePrivateKey)}, with SO_RCVBUF set before connecting (0: OS default). */
    public static DerpTestClient open(final InetSocketAddress server, final SSLContext tls, final NodePrivateKey key,
                                      final int receiveBufferBytes) throws IOException {
        Socket s = new Socket();
        if (receiveBufferBytes > 0) {
            s.setReceiveBufferSize(receiveBufferBytes); // before connect, so the TCP window is small from the start
        }
        s.connect(server, 10_000);
        s.setTcpNoDelay(true);
        if (tls != null) {
            final SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(s, server.getHostString(), server.getPort(), true);
            ssl.startHandshake();
            s = ssl;
        }
        s.setSoTimeout(10_000);
        return new DerpTestClient(s, key);
    }

    /** Connects and completes the DERP handshake (ServerInfo received). */
    public static DerpTestClient connect(final InetSocketAddress server, final Mode mode, final SSLContext tls)
        throws IOException {
        return connect(server, mode, tls, NodePrivateKey.generate(), ClientInfo.standard());
    }

    public static DerpTestClient connect(final InetSocketAddress server, final Mode mode, final SSLContext tls,
                                         final NodePrivateKey key, final ClientInfo info) throws IOException {
        final DerpTestClient c = open(server, tls, key);
        try {
            c.handshake(mode, info);
        } catch (final IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** Upgrade (per mode), read ServerKey, send ClientInfo, read ServerInfo. */
    public void handshake(final Mode mode, final ClientInfo info) throws IOException {
        if (mode != Mode.RAW) {
            sendRaw(upgradeRequest(mode == Mode.HTTP_FAST_START).getBytes(US_ASCII));
            if (mode == Mode.HTTP) {
                upgradeResponse = readHttpHead();
                if (!upgradeResponse.startsWith("HTTP/1.1 101 ")) {
                    throw new IOException("upgrade failed: " + upgradeResponse);
                }
            }
        }
        final Frame greeting = readFrame();
        if (greeting.type() != FrameType.SERVER_KEY
            || !ServerKeyFlyweight.isValidGreeting(greeting.buffer(), 0, greeting.payload().length)) {
            throw new IOException("invalid server greeting, type " + greeting.type());
        }
        serverKey = ServerKeyFlyweight.readServerKey(greeting.buffer(), 0);
        final UnsafeBuffer b = new UnsafeBuffer(new byte[1024]);
        final int n = ClientInfoFrame.seal(box, key, serverKey, info, b, 0);
        sendRaw(copy(b, n));
        final Frame si = readFrame();
        if (si.type() != FrameType.SERVER_INFO) {
            throw new IOException("expected ServerInfo, got type " + si.type());
        }
        try {
            serverInfo = ServerInfoFrame.open(box, key, serverKey, si.buffer(), 0, si.payload().length);
        } catch (final DerpProtocolException e) {
            throw new IOException(e);
        }
    }

    /** The request derphttp sends (SPEC §2.6 / vectors {@code http_upgrade}). */
    public static String upgradeRequest(final boolean fastStart) {
        return "GET /derp HTTP/1.1\r\nHost: derp1.example.test\r\nUser-Agent: Go-http-client/1.1\r\n"
            + "Connection: Upgrade\r\n" + (fastStart ? "Derp-Fast-Start: 1\r\n" : "") + "Upgrade: DERP\r\n\r\n";
    }

    /** Reads an HTTP response head, up to and including the blank line. */
    public String readHttpHead() throws IOException {
        final ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        final byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            final int c = in.read();
            if (c < 0) {
                throw new EOFException("EOF in HTTP head: " + head.toString(US_ASCII));
            }
            head.write(c);
            matched = c == end[matched] ? matched + 1 : (c == '\r' ? 1 : 0);
        }
        return head.toString(US_ASCII);
    }

    public NodeKey publicKey() {
        return key.publicKey();
    }

    public NodeKey serverKey() {
        return serverKey;
    }

    public ServerInfo serverInfo() {
        return serverInfo;
    }

    /** The 101 response head as received (HTTP mode). */
    public String upgradeResponse() {
        return upgradeResponse;
    }

    public Socket socket() {
        return socket;
    }

    public void sendPacket(final NodeKey dst, final byte[] packet) throws IOException {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[PacketFlyweight.frameLength(packet.length)]);
        final int n = PacketFlyweight.encodeSendPacket(b, 0, dst, new UnsafeBuffer(packet), 0, packet.length);
        sendRaw(copy(b, n));
    }

    public void sendPing(final long data) throws IOException {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[PingFlyweight.FRAME_LENGTH]);
        sendRaw(copy(b, PingFlyweight.encodePing(b, 0, data)));
    }

    public void sendNotePreferred(final boolean preferred) throws IOException {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[NotePreferredFlyweight.FRAME_LENGTH]);
        sendRaw(copy(b, NotePreferredFlyweight.encode(b, 0, preferred)));
    }

    /** Any frame, valid or not: a header with {@code type} and the payload's length, then the payload. */
    public void sendFrame(final int type, final byte[] payload) throws IOException {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[5 + payload.length]);
        FrameHeaderFlyweight.write(b, 0, type, payload.length);
        b.putBytes(5, payload);
        sendRaw(b.byteArray());
    }

    public void sendRaw(final byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The next frame, waiting up to the socket timeout (10 s by default). */
    public Frame readFrame() throws IOException {
        final int type = in.readUnsignedByte();
        final int length = in.readInt();
        if (length < 0 || length > (1 << 20)) {
            throw new IOException("unexpectedly large frame of " + Integer.toUnsignedLong(length) + " bytes");
        }
        final byte[] payload = new byte[length];
        in.readFully(payload);
        return new Frame(type, payload);
    }

    /** The next frame of {@code type}, skipping others (KeepAlive, ...), within {@code timeout}. */
    public Frame awaitFrame(final int type, final Duration timeout) throws IOException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        final int saved = socket.getSoTimeout();
        try {
            for (;;) {
                final long leftMs = (deadline - System.nanoTime()) / 1_000_000;
                if (leftMs <= 0) {
                    throw new SocketTimeoutException("no frame of type " + FrameType.name(type) + " within " + timeout);
                }
                socket.setSoTimeout((int) Math.max(1, leftMs));
                final Frame f = readFrame();
                if (f.type() == type) {
                    return f;
                }
            }
        } finally {
            socket.setSoTimeout(saved);
        }
    }

    /** A RecvPacket's source key. */
    public static NodeKey source(final Frame recv) {
        return NodeKey.read(recv.buffer(), 0);
    }

    /** A RecvPacket's packet bytes. */
    public static byte[] packet(final Frame recv) {
        final byte[] p = new byte[recv.payload().length - 32];
        System.arraycopy(recv.payload(), 32, p, 0, p.length);
        return p;
    }

    /** True once the server closed the connection (EOF or reset) within {@code timeout}; frames are discarded. */
    public boolean awaitClosedByServer(final Duration timeout) throws IOException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        final InputStream raw = socket.getInputStream();
        final byte[] sink = new byte[8192];
        final int saved = socket.getSoTimeout();
        try {
            while (System.nanoTime() < deadline) {
                socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                try {
                    if (raw.read(sink) < 0) {
                        return true;
                    }
                } catch (final SocketTimeoutException e) {
                    return false;
                } catch (final IOException e) {
                    return true; // reset by the server
                }
            }
            return false;
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout(saved);
            }
        }
    }

    private static byte[] copy(final UnsafeBuffer b, final int n) {
        final byte[] out = new byte[n];
        b.getBytes(0, out);
        return out;
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
