package io.derpring.relay;

import java.net.InetAddress;
import java.util.concurrent.CompletionStage;

import io.derpring.keys.NodeKey;

/**
 * An embedder's say on who may use the relay (SPEC §3.8; Go {@code verifyClient}). Asked once per connection, after
 * its ClientInfo was opened and before it is registered; mesh peers are never asked. The relay does not block on
 * the answer: the handshake waits for the stage to complete, within the handshake deadline, while the event loop
 * serves other connections.
 *
 * <p>Complete the stage off the event loop (an HTTP client's callback, an executor): {@code true} admits, {@code false}
 * refuses (the connection is closed with no ServerInfo, as Go does), an exceptional completion refuses and counts as
 * an error, and a stage still open at the handshake deadline refuses and counts as a timeout. {@code admit} itself
 * must return quickly: it runs on the event loop. If it throws (an Error of its own too), the connection is refused
 * and counted as a callback error. Several admissions combine as AND.
 */
@FunctionalInterface
public interface ClientAdmission {
    /**
     * @param key    the client's node key, proven by its ClientInfo box
     * @param source the client's IP address, or null when the transport has none
     */
    CompletionStage<Boolean> admit(NodeKey key, InetAddress source);
}
