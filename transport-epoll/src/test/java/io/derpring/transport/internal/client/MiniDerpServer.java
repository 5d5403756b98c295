package io.derpring.transport.internal.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import javax.net.ssl.SSLContext;

import io.derpring.internal.crypto.NaclBox;
import io.derpring.internal.frame.ClientInfoFrame;
import io.derpring.internal.frame.FrameHandler;
import io.derpring.internal.frame.FrameReader;
import io.derpring.internal.frame.FrameType;
import io.derpring.internal.frame.PacketFlyweight;
import io.derpring.internal.frame.PingFlyweight;
import io.derpring.internal.frame.ServerInfo;
import io.derpring.internal.frame.ServerKeyFlyweight;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A minimal DERP relay for loopback tests (used while derpring's relay server is not on main): blocking sockets, a
 * thread per client, the engine's server-side {@link FrameReader}; it upgrades, handshakes and relays SendPacket to
 * the destination's RecvPacket. Not a reference implementation: just enough server for the client's loopback gates.
 */
final class MiniDerpServer implements AutoCloseable {
    final NodePrivateKey key = NodePrivateKey.generate();
    final Map<NodeKey, Client> clients = new ConcurrentHashMap<>();
    final AtomicLong relayed = new AtomicLong();
    /** Clients whose socket the server stops reading after the handshake (a slow reader). */
    final java.util.Set<NodeKey> stalled = ConcurrentHashMap.newKeySet();
    /** False: Pings are read and never answered (a relay whose route is gone, for rebind). */
    volatile boolean answerPings = true;
    /** True: each connection is closed right after its ServerInfo (a relay that fails every client at once). */
    volatile boolean dieAfterServerInfo;
    /** ServerInfo frames written: completed handshakes. */
    final AtomicLong handshakes = new AtomicLong();
    private final ServerSocket listener;
    private final CopyOnWriteArrayList<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    MiniDerpServer(final SSLContext tls) throws IOException {
        final InetAddress loopback = InetAddress.getByName("127.0.0.1");
        listener = tls == null ? new ServerSocket(0, 16, loopback)
            : tls.getServerSocketFactory().createServerSocket(0, 16, loopback);
        final Thread acceptor = new Thread(this::acceptLoop, "mini-derp-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                final Socket s = listener.accept();
                s.setTcpNoDelay(true);
                sockets.add(s);
                final Thread t = new Thread(() -> serve(s), "mini-derp-conn");
                t.setDaemon(true);
                t.start();
            } catch (final IOException e) {
                return;
            }
        }
    }

    /** One client's socket and its serialized writer. */
    final class Client {
        final NodeKey nodeKey;
        final OutputStream out;
        final Socket socket;

        Client(final NodeKey nodeKey, final OutputStream out, final Socket socket) {
            this.nodeKey = nodeKey;
            this.out = out;
            this.socket = socket;
        }

        /** Writes {@code bytes}, then shuts down output (FIN) right behind them; the socket stays open. */
        synchronized void writeThenFin(final byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
            socket.shutdownOutput();
        }

        /** Writes {@code bytes}, then resets the connection (SO_LINGER 0: RST, not FIN) right behind them. */
        synchronized void writeThenReset(final byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
            socket.setSoLinger(true, 0);
            socket.close();
        }

        synchronized void write(final byte[] frame, final int length) throws IOException {
            out.write(frame, 0, length);
            out.flush();
        }
    }

    private void serve(final Socket socket) {
        try (socket) {
            final InputStream in = socket.getInputStream();
            final OutputStream out = socket.getOutputStream();
            final String head = readHead(in);
            if (!head.contains("\r\nDerp-Fast-Start: 1\r\n")) {
                out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: DERP\r\nConnection: Upgrade\r\n"
                    + "Derp-Version: 2\r\nDerp-Public-Key: " + key.publicKey().toHex() + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            }
            final UnsafeBuffer greeting = new UnsafeBuffer(new byte[ServerKeyFlyweight.FRAME_LENGTH]);
            ServerKeyFlyweight.encode(greeting, 0, key.publicKey());
            out.write(greeting.byteArray());
            out.flush();
            final Session session = new Session(out, socket);
            final FrameReader reader = FrameReader.forServer(session);
            session.reader = reader;
            final byte[] chunk = new byte[64 * 1024];
            final UnsafeBuffer view = new UnsafeBuffer(chunk);
            int n;
            while (!closed && (n = in.read(chunk)) != -1) {
                reader.onData(view, 0, n);
                if (reader.isClosed()) {
                    return;
                }
                while (session.client != null && stalled.contains(session.client.nodeKey) && !closed) {
                    LockSupport.parkNanos(1_000_000); // stop reading: the client's writes back up
                }
            }
        } catch (final IOException e) {
            // client went away
        }
    }

    /** The server side of one connection: handshake, then relay. */
    private final class Session implements FrameHandler {
        final OutputStream out;
        final Socket socket;
        final byte[] frame = new byte[PacketFlyweight.frameLength(64 * 1024)];
        final UnsafeBuffer frameView = new UnsafeBuffer(frame);
        FrameReader reader;
        Client client;

        Session(final OutputStream out, final Socket socket) {
            this.out = out;
            this.socket = socket;
        }

        @Override
        public void onFrame(final int type, final DirectBuffer buffer, final int offset, final int length) {
            if (socket.isClosed()) {
                return; // closed after ServerInfo: the rest of this read is ignored
            }
            try {
                if (type == FrameType.CLIENT_INFO) {
                    final ClientInfoFrame.Opened opened = ClientInfoFrame.open(new NaclBox(), key, buffer, offset, length);
                    reader.clientVerified(false);
                    client = new Client(opened.clientKey(), out, socket);
                    clients.put(opened.clientKey(), client);
                    final UnsafeBuffer info = new UnsafeBuffer(new byte[256]);
                    final int n = io.derpring.internal.frame.ServerInfoFrame.seal(new NaclBox(), key, opened.clientKey(),
                        ServerInfo.standard(), info, 0);
                    client.write(info.byteArray(), n);
                    handshakes.incrementAndGet();
                    if (dieAfterServerInfo) {
                        socket.close(); // the read loop ends with an IOException
                    }
                } else if (type == FrameType.SEND_PACKET) {
                    final Client dst = clients.get(NodeKey.read(buffer, PacketFlyweight.keyOffset(offset)));
                    if (dst != null) {
                        final int n;
                        synchronized (this) {
                            n = PacketFlyweight.encodeRecvPacket(frameView, 0, client.nodeKey, buffer,
                                PacketFlyweight.packetOffset(offset), PacketFlyweight.packetLength(length));
                            dst.write(frame, n);
                        }
                        relayed.incrementAndGet();
                    }
                } else if (type == FrameType.PING && answerPings) {
                    final UnsafeBuffer pong = new UnsafeBuffer(new byte[PingFlyweight.FRAME_LENGTH]);
                    PingFlyweight.encodePong(pong, 0, buffer, offset);
                    client.write(pong.byteArray(), PingFlyweight.FRAME_LENGTH);
                }
            } catch (final IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static String readHead(final InputStream in) throws IOException {
        final StringBuilder head = new StringBuilder();
        int d;
        while ((d = in.read()) != -1) {
            head.append((char) d);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                return head.toString();
            }
        }
        throw new IOException("EOF in HTTP head");
    }

    /** Resets every connection accepted so far: SO_LINGER 0 makes the close send an RST instead of a FIN. */
    void resetAll() throws IOException {
        for (final Socket s : sockets) {
            sockets.remove(s);
            if (!s.isClosed()) {
                s.setSoLinger(true, 0);
                s.close();
            }
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        for (final Socket s : sockets) {
            s.close();
        }
    }
}
