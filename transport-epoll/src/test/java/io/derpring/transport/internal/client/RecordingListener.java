package io.derpring.transport.internal.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.derpring.internal.frame.ServerInfo;
import io.derpring.keys.NodeKey;
import org.agrona.DirectBuffer;

/** Records every event as a line of text, and checks that each arrives on the connection's event loop. */
final class RecordingListener implements DerpNodeListener {
    final ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();
    final CompletableFuture<Throwable> closed = new CompletableFuture<>();
    volatile boolean offLoopCall;

    private void note(final DerpNodeConnection c, final String event) {
        if (!c.eventLoop().inEventLoop()) {
            offLoopCall = true;
        }
        events.add(event);
    }

    @Override
    public void onConnected(final DerpNodeConnection c, final ServerInfo info) {
        note(c, "connected " + info);
    }

    @Override
    public void onKeepAlive(final DerpNodeConnection c) {
        note(c, "keepalive");
    }

    @Override
    public void onPong(final DerpNodeConnection c, final long data) {
        note(c, "pong " + Long.toHexString(data));
    }

    @Override
    public void onPeerGone(final DerpNodeConnection c, final DirectBuffer buffer, final int keyOffset, final int reason) {
        note(c, "peergone " + NodeKey.read(buffer, keyOffset).toHex() + " " + reason);
    }

    @Override
    public void onPeerPresent(final DerpNodeConnection c, final DirectBuffer buffer, final int offset, final int length) {
        note(c, "peerpresent " + NodeKey.read(buffer, offset).toHex() + " " + length);
    }

    @Override
    public void onHealth(final DerpNodeConnection c, final String problem) {
        note(c, "health '" + problem + "'");
    }

    @Override
    public void onRestarting(final DerpNodeConnection c, final long reconnectInMs, final long tryForMs) {
        note(c, "restarting " + reconnectInMs + " " + tryForMs);
    }

    @Override
    public void onClosed(final DerpNodeConnection c, final Throwable cause) {
        note(c, "closed");
        closed.complete(cause);
    }

    boolean has(final String event) {
        return events.contains(event);
    }

}
