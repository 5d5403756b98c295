package io.derpring.relay;

import java.net.InetSocketAddress;

import io.derpring.frame.ClientInfoFrame;
import io.derpring.frame.DerpProtocolException;
import io.derpring.frame.FrameDrop;
import io.derpring.frame.FrameError;
import io.derpring.frame.FrameHandler;
import io.derpring.frame.FrameReader;
import io.derpring.frame.FrameType;
import io.derpring.frame.NotePreferredFlyweight;
import io.derpring.frame.PingFlyweight;
import io.derpring.frame.ServerInfo;
import io.derpring.frame.ServerInfoFrame;
import io.derpring.frame.ServerKeyFlyweight;
import io.derpring.frame.StreamEnd;
import io.derpring.keys.NodePrivateKey;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One server-side DERP connection from its first byte to its end, with no socket (SPEC §2.2, §1.5): sends ServerKey,
 * reads ClientInfo with the server rules of {@link FrameReader#forServer}, opens it, decides mesh admission, registers
 * the client <em>before</em> sending ServerInfo {@code {"version":2}}, then dispatches every frame to the
 * {@link RelayClient}. The transport feeds bytes with {@link #onData} and reports the end with
 * {@link #onEndOfStream} / {@link #close}; every fatal outcome closes the sink and is available from
 * {@link #error()} for counting. Shard thread only.
 */
public final class RelaySession<F> implements FrameHandler {
    private final RelayShard<F> shard;
    private final ClientSink<F> sink;
    private final NodePrivateKey serverPrivate;
    private final InetSocketAddress remote;
    private final FrameReader reader;
    private RelayClient<F> client;
    private FrameError error;
    private boolean ended;

    public RelaySession(final RelayShard<F> shard, final ClientSink<F> sink, final NodePrivateKey serverPrivate,
                        final InetSocketAddress remote) {
        this.shard = shard;
        this.sink = sink;
        this.serverPrivate = serverPrivate;
        this.remote = remote;
        this.reader = FrameReader.forServer(this);
    }

    /** SPEC §2.2 / B8: the server speaks first: {@code ServerKey(Magic || serverPub)}; flushed. */
    public void sendServerKey() {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[ServerKeyFlyweight.FRAME_LENGTH]);
        sink.writeControl(frame, 0, ServerKeyFlyweight.encode(frame, 0, serverPrivate.publicKey()));
        sink.flush();
    }

    /** Feeds received bytes; lent for this call only. Input after a fatal error is ignored. */
    public void onData(final DirectBuffer buffer, final int offset, final int length) {
        if (!ended) {
            reader.onData(buffer, offset, length);
        }
    }

    /** The peer closed its side. A stream cut inside a frame counts as {@link FrameError#TRUNCATED_PAYLOAD} etc. */
    public StreamEnd onEndOfStream() {
        final StreamEnd end = reader.onEndOfStream();
        close();
        return end;
    }

    /** The connection is gone (for any reason): unregisters the client. Idempotent. */
    public void close() {
        ended = true;
        if (client != null) {
            client.close();
        }
    }

    /** True until ClientInfo was accepted and the client registered. */
    public boolean inHandshake() {
        return client == null;
    }

    /** The registered client, or null during the handshake. */
    public RelayClient<F> client() {
        return client;
    }

    /** Why the session failed, or null. */
    public FrameError error() {
        return error;
    }

    public FrameReader reader() {
        return reader;
    }

    @Override
    public void onFrame(final int type, final DirectBuffer buffer, final int offset, final int length) {
        if (client == null) {
            onClientInfo(buffer, offset, length);
            return;
        }
        client.noteActivity();
        switch (type) {
            case FrameType.SEND_PACKET:
                client.onSendPacket(buffer, offset, length);
                break;
            case FrameType.PING:
                client.onPing(PingFlyweight.data(buffer, offset));
                break;
            case FrameType.NOTE_PREFERRED:
                client.onNotePreferred(NotePreferredFlyweight.preferred(buffer, offset));
                break;
            case FrameType.FORWARD_PACKET:
                client.onForwardPacket(buffer, offset, length);
                break;
            case FrameType.WATCH_CONNS:
                client.onWatchConns();
                break;
            case FrameType.CLOSE_PEER:
                client.onClosePeer(buffer, offset);
                break;
            default:
                break; // the server rules deliver nothing else
        }
    }

    @Override
    public void onDrop(final FrameDrop reason, final int type, final long length) {
        if (client != null) {
            client.noteActivity(); // Go notes activity for every frame header, skipped frames included
        }
    }

    @Override
    public void onError(final FrameError e, final int type, final long length) {
        fail(e);
    }

    /**
     * SPEC §2.2 accept: open ClientInfo with (server priv, client pub from the frame), decide mesh admission (§3.8),
     * register (before ServerInfo), then seal ServerInfo to the client.
     */
    private void onClientInfo(final DirectBuffer buffer, final int offset, final int length) {
        final ClientInfoFrame.Opened opened;
        try {
            opened = ClientInfoFrame.open(shard.box, serverPrivate, buffer, offset, length);
        } catch (final DerpProtocolException e) {
            fail(e.error());
            return;
        }
        final boolean mesh = shard.relay().isMeshPeer(opened.info());
        reader.clientVerified(mesh);
        client = shard.register(sink, opened.clientKey(), opened.info(), mesh, remote);
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[128]);
        final int n = ServerInfoFrame.seal(shard.box, serverPrivate, opened.clientKey(), ServerInfo.standard(), frame, 0);
        sink.writeControl(frame, 0, n);
        sink.flush();
    }

    private void fail(final FrameError e) {
        if (error == null) {
            error = e;
        }
        ended = true;
        sink.close();
    }
}
