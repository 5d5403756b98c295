package io.derpring.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import io.derpring.internal.crypto.NaclBox;
import io.derpring.internal.frame.ClientInfoFrame;
import io.derpring.internal.frame.FrameReader;
import io.derpring.internal.frame.FrameType;
import io.derpring.internal.frame.ServerInfo;
import io.derpring.internal.frame.ServerInfoFrame;
import io.derpring.internal.frame.ServerKeyFlyweight;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A hostile DERP relay: a real upgrade and handshake (ServerKey, the client's sealed ClientInfo opened with the
 * engine's own server-side reader, a sealed ServerInfo), then it closes the connection at that frame boundary, every
 * time. Blocking sockets, one thread per connection, loopback only; counts the handshakes it completed.
 */
final class CloseAfterServerInfoRelay implements AutoCloseable {
    /** More than enough for a ClientInfo frame, which is the only thing a client sends before ServerInfo. */
    private static final int READ_CHUNK = 4096;
    private static final int SERVER_INFO_CAPACITY = 256;
    /** Bounds the wait for a client to close its side after ours is shut. */
    private static final int DISCARD_TIMEOUT_MS = 10_000;

    final AtomicInteger handshakes = new AtomicInteger();
    private final NodePrivateKey key = NodePrivateKey.generate();
    private final ServerSocket listener;
    private volatile boolean closed;

    CloseAfterServerInfoRelay() throws IOException {
        listener = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        final Thread acceptor = new Thread(this::acceptLoop, "close-after-server-info-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url() {
        return "http://127.0.0.1:" + listener.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                final Socket s = listener.accept();
                final Thread t = new Thread(() -> serve(s), "close-after-server-info-conn");
                t.setDaemon(true);
                t.start();
            } catch (final IOException e) {
                return; // closed
            }
        }
    }

    private void serve(final Socket socket) {
        try (socket) {
            final InputStream in = socket.getInputStream();
            final OutputStream out = socket.getOutputStream();
            if (!readHttpHead(in).contains("\r\nDerp-Fast-Start: 1\r\n")) { // fast start: no 101, as Go's
                out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: DERP\r\nConnection: Upgrade\r\n"
                    + "Derp-Version: 2\r\nDerp-Public-Key: " + key.publicKey().toHex() + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            }
            final UnsafeBuffer greeting = new UnsafeBuffer(new byte[ServerKeyFlyweight.FRAME_LENGTH]);
            ServerKeyFlyweight.encode(greeting, 0, key.publicKey());
            out.write(greeting.byteArray());
            out.flush();
            final NodeKey[] client = new NodeKey[1];
            final FrameReader[] reader = new FrameReader[1];
            reader[0] = FrameReader.forServer((type, buffer, offset, length) -> {
                if (type == FrameType.CLIENT_INFO && client[0] == null) {
                    try {
                        client[0] = ClientInfoFrame.open(new NaclBox(), key, buffer, offset, length).clientKey();
                    } catch (final IOException e) {
                        throw new IllegalStateException(e);
                    }
                    reader[0].clientVerified(false);
                }
            });
            final byte[] chunk = new byte[READ_CHUNK];
            final UnsafeBuffer view = new UnsafeBuffer(chunk);
            int n;
            while (client[0] == null && (n = in.read(chunk)) != -1) {
                reader[0].onData(view, 0, n);
            }
            if (client[0] == null) {
                return;
            }
            final UnsafeBuffer info = new UnsafeBuffer(new byte[SERVER_INFO_CAPACITY]);
            final int length = ServerInfoFrame.seal(new NaclBox(), key, client[0], ServerInfo.standard(), info, 0);
            out.write(info.byteArray(), 0, length);
            out.flush();
            handshakes.incrementAndGet();
            // A FIN right behind ServerInfo; what the client still sends is read and discarded until it closes too,
            // so the close stays a FIN (closing with unread input would send a reset instead).
            socket.shutdownOutput();
            socket.setSoTimeout(DISCARD_TIMEOUT_MS);
            while (in.read(chunk) != -1) {
                // discard
            }
        } catch (final IOException | IllegalStateException e) {
            // the client went away mid-handshake, or never closed: nothing more to do
        }
    }

    private static String readHttpHead(final InputStream in) throws IOException {
        final StringBuilder head = new StringBuilder();
        int b;
        while ((b = in.read()) != -1) {
            head.append((char) b);
            if (head.length() >= 4 && head.lastIndexOf("\r\n\r\n") == head.length() - 4) {
                return head.toString();
            }
        }
        throw new IOException("EOF in the HTTP head");
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
    }
}
