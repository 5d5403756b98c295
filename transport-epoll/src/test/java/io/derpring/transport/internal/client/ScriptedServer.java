package io.derpring.transport.internal.client;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

import io.derpring.internal.frame.FrameHeaderFlyweight;
import io.derpring.internal.frame.ServerKeyFlyweight;
import io.derpring.keys.NodeKey;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A scripted DERP "server" on a raw blocking socket (127.0.0.1, port 0): the test thread reads and writes exact
 * bytes, so the client's wire behaviour is checked against the transcript, not against derpring's own server code.
 */
final class ScriptedServer implements AutoCloseable {
    static final int SO_TIMEOUT_MS = 10_000;

    private final ServerSocket listener;

    ScriptedServer(final SSLContext tls, final String... protocols) throws IOException {
        if (tls == null) {
            listener = new ServerSocket(0, 8, InetAddress.getByName("127.0.0.1"));
        } else {
            final SSLServerSocket s = (SSLServerSocket) tls.getServerSocketFactory()
                .createServerSocket(0, 8, InetAddress.getByName("127.0.0.1"));
            if (protocols.length > 0) {
                s.setEnabledProtocols(protocols);
            }
            listener = s;
        }
        listener.setSoTimeout(SO_TIMEOUT_MS);
    }

    int port() {
        return listener.getLocalPort();
    }

    Peer accept() throws IOException {
        final Socket s = listener.accept();
        s.setSoTimeout(SO_TIMEOUT_MS);
        s.setTcpNoDelay(true);
        return new Peer(s);
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }

    /** One accepted connection. */
    static final class Peer implements AutoCloseable {
        final Socket socket;
        final DataInputStream in;
        final OutputStream out;

        Peer(final Socket socket) throws IOException {
            this.socket = socket;
            this.in = new DataInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        /** Reads up to and including the blank line that ends an HTTP head. */
        String readHead() throws IOException {
            final ByteArrayOutputStream head = new ByteArrayOutputStream();
            int a = 0;
            int b = 0;
            int c = 0;
            int d;
            while ((d = in.read()) != -1) {
                head.write(d);
                if (a == '\r' && b == '\n' && c == '\r' && d == '\n') {
                    return head.toString(StandardCharsets.ISO_8859_1);
                }
                a = b;
                b = c;
                c = d;
            }
            throw new EOFException("stream ended inside the HTTP head: " + head);
        }

        void write(final byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        void write(final String ascii) throws IOException {
            write(ascii.getBytes(StandardCharsets.ISO_8859_1));
        }

        void writeServerKey(final NodeKey serverKey) throws IOException {
            final UnsafeBuffer b = new UnsafeBuffer(new byte[ServerKeyFlyweight.FRAME_LENGTH]);
            write(b.byteArray().length == ServerKeyFlyweight.encode(b, 0, serverKey) ? b.byteArray() : null);
        }

        /** One whole frame as the client wrote it. */
        Frame readFrame() throws IOException {
            final byte[] header = new byte[FrameHeaderFlyweight.HEADER_LENGTH];
            in.readFully(header);
            final int length = (int) FrameHeaderFlyweight.payloadLength(new UnsafeBuffer(header), 0);
            final byte[] payload = new byte[length];
            in.readFully(payload);
            return new Frame(header[0] & 0xFF, payload);
        }

        /** True if the client closed the stream (EOF or reset) before the socket timeout. */
        boolean closedByClient() throws IOException {
            try {
                while (true) {
                    if (in.read() == -1) {
                        return true;
                    }
                }
            } catch (final SocketTimeoutException e) {
                return false;
            } catch (final IOException e) {
                return true; // reset
            }
        }

        void shutdownOutput() throws IOException {
            socket.shutdownOutput();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    record Frame(int type, byte[] payload) {
    }
}
