package io.derpring.internal.relay;

import io.derpring.relay.AdmissionDecision;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletionStage;

import io.derpring.internal.frame.ClientInfoFrame;
import io.derpring.internal.frame.DerpProtocolException;
import io.derpring.internal.frame.FrameDrop;
import io.derpring.internal.frame.FrameError;
import io.derpring.internal.frame.FrameHandler;
import io.derpring.internal.frame.FrameReader;
import io.derpring.internal.frame.FrameType;
import io.derpring.internal.frame.NotePreferredFlyweight;
import io.derpring.internal.frame.PingFlyweight;
import io.derpring.internal.frame.ServerInfo;
import io.derpring.internal.frame.ServerInfoFrame;
import io.derpring.internal.frame.ServerKeyFlyweight;
import io.derpring.internal.frame.StreamEnd;
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
 *
 * <p>Admission (SPEC §3.8): with an {@link AdmissionChain} configured, a non-mesh client's ClientInfo starts an
 * asynchronous decision and the session waits: {@link #onData} returns how much it consumed (the bytes after
 * ClientInfo stay with the transport), {@link #admissionPending()} is true and {@link #pendingAdmission()} is the
 * stage to listen on. The transport hands the outcome back on the shard thread with {@link #completeAdmission}, or
 * {@link #timeOutAdmission} at its handshake deadline, then offers the held bytes again. Mesh peers skip admission.
 *
 * <p>Receive rate limit (SPEC §3.7): each frame of a non-mesh client after the handshake is charged to its
 * {@link ReceiveRateLimiter}; after each {@link #onData} the transport asks {@link #receivePauseNs()} and stops
 * reading for that long.
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
    private ClientInfoFrame.Opened awaitingAdmission;
    private CompletionStage<AdmissionDecision> pendingAdmission;
    private AdmissionDecision refusal;
    private ReceiveRateLimiter receiveLimiter;

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

    /**
     * Feeds received bytes; lent for this call only. Input after a fatal error is ignored.
     *
     * @return the bytes consumed: all of them, except while admission is pending (offer the rest again once
     * {@link #admissionPending()} is false) or after a fatal error
     */
    public int onData(final DirectBuffer buffer, final int offset, final int length) {
        if (ended || pendingAdmission != null) {
            return 0;
        }
        return reader.onData(buffer, offset, length);
    }

    /** True from a non-mesh ClientInfo until {@link #completeAdmission} or {@link #timeOutAdmission}. */
    public boolean admissionPending() {
        return pendingAdmission != null;
    }

    /** The decision being waited for, or null; it never completes exceptionally. */
    public CompletionStage<AdmissionDecision> pendingAdmission() {
        return pendingAdmission;
    }

    /**
     * The admission decision arrived (on the shard thread): admitted clients are registered and sent ServerInfo;
     * refused ones are closed with nothing sent, as Go does. Ignored when nothing is pending or the session ended.
     */
    public void completeAdmission(final AdmissionDecision decision) {
        if (pendingAdmission == null) {
            return;
        }
        final ClientInfoFrame.Opened opened = awaitingAdmission;
        pendingAdmission = null;
        awaitingAdmission = null;
        if (ended) {
            return;
        }
        shard.relay().countAdmission(decision);
        if (decision == AdmissionDecision.ADMITTED) {
            admit(opened, false);
        } else {
            refuse(decision);
        }
    }

    /** The handshake deadline passed while admission was pending: refused and counted as a timeout. */
    public void timeOutAdmission() {
        completeAdmission(AdmissionDecision.CALLBACK_TIMEOUT);
    }

    /** Why admission refused this client, or null. */
    public AdmissionDecision refusal() {
        return refusal;
    }

    /** 0 while reading may go on; else how long the transport should stop reading (SPEC §3.7). */
    public long receivePauseNs() {
        return receiveLimiter == null ? 0 : receiveLimiter.pauseNs();
    }

    /**
     * True while reading is paused behind a backlogged destination ({@link ClientSink#pauseReading}): {@link #onData}
     * consumed only up to the frame that paused it, and the transport holds the rest.
     */
    public boolean readPaused() {
        return client != null && client.readPaused();
    }

    /** Shard thread, after {@link ClientSink#resumeReading}: the pause is over; offer the held bytes again. */
    public void resumeReading() {
        if (client != null) {
            client.endPause(false);
        }
    }

    /** Shard thread: the pause reached its bound ({@link RelayConfig#senderPauseNs}); offer the held bytes again. */
    public void pauseTimedOut() {
        if (client != null) {
            client.endPause(true);
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
        if (receiveLimiter != null) {
            receiveLimiter.charge(reader.currentFrameLength());
        }
        switch (type) {
            case FrameType.SEND_PACKET:
                client.onSendPacket(buffer, offset, length);
                if (client.readPaused()) {
                    reader.yieldAfterFrame(); // the rest of this read waits with the transport
                }
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
            if (receiveLimiter != null) {
                receiveLimiter.charge(length); // and charges every frame header to the bucket
            }
        }
    }

    @Override
    public void onError(final FrameError e, final int type, final long length) {
        fail(e);
    }

    /**
     * SPEC §2.2 accept: open ClientInfo with (server priv, client pub from the frame), decide admission (§3.8: mesh
     * peers at once, others through the admission chain if there is one), register (before ServerInfo), then seal
     * ServerInfo to the client.
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
        final AdmissionChain admission = shard.config().admission();
        if (mesh || admission == null) {
            if (mesh && admission != null) {
                shard.relay().countAdmission(AdmissionDecision.MESH_PEER);
            }
            admit(opened, mesh);
            return;
        }
        awaitingAdmission = opened;
        pendingAdmission = admission.decide(opened.clientKey(), remote == null ? null : remote.getAddress());
    }

    private void admit(final ClientInfoFrame.Opened opened, final boolean mesh) {
        reader.clientVerified(mesh);
        client = shard.register(sink, opened.clientKey(), opened.info(), mesh, remote);
        final RelayConfig config = shard.config();
        if (!mesh && config.perClientRateLimitBytesPerSec() != RelayConfig.UNLIMITED_RATE) {
            // SPEC §3.7: mesh peers are exempt, or a region's mesh would be throttled by its own relays.
            receiveLimiter = new ReceiveRateLimiter(config.perClientRateLimitBytesPerSec(),
                config.perClientRateBurstBytes(), shard.clock);
        }
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[128]);
        final int n = ServerInfoFrame.seal(shard.box, serverPrivate, opened.clientKey(), ServerInfo.standard(), frame, 0);
        sink.writeControl(frame, 0, n);
        sink.flush();
    }

    private void refuse(final AdmissionDecision decision) {
        refusal = decision;
        ended = true;
        sink.close();
    }

    private void fail(final FrameError e) {
        if (error == null) {
            error = e;
        }
        ended = true;
        sink.close();
    }
}
