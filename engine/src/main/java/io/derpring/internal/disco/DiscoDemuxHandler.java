package io.derpring.internal.disco;

import io.derpring.disco.DirectPathSink;
import io.derpring.disco.EndpointList;

import com.lmax.disruptor.EventHandler;
import io.derpring.keys.DiscoKey;
import io.derpring.internal.metrics.Counters;
import io.derpring.netmap.Netmap;
import io.derpring.internal.ring.FrameSlot;
import io.derpring.internal.ring.InboundCounter;
import org.agrona.DirectBuffer;

/**
 * Stage 2: relayed disco (SPEC §5.6). With a direct-path sink installed, every frame that looks like disco is kept
 * off the dataplane; a CallMeMaybe from the relaying node's own disco key teaches its filtered endpoints to the
 * sink; everything else disco — Ping, Pong, other types, boxes that don't open, foreign sender keys — is dropped
 * and counted. Without a sink, all frames pass unchanged (the dataplane drops the disco ones, and the peer's
 * periodic CallMeMaybe resends recover once the sink arrives).
 */
public final class DiscoDemuxHandler implements EventHandler<FrameSlot> {
    private final DiscoOpener opener;
    private final CallMeMaybeFilter filter;
    private final Counters<InboundCounter> counters;
    private final EndpointList endpoints = EndpointList.forCallMeMaybe();
    private volatile DirectPathSink sink;

    public DiscoDemuxHandler(final DiscoKeyCache keys, final CallMeMaybeFilter filter,
                             final Counters<InboundCounter> counters) {
        this.opener = new DiscoOpener(keys);
        this.filter = filter;
        this.counters = counters;
    }

    /** Installs (or with null, removes) the direct path. Any thread; takes effect from the next frame. */
    public void directPath(final DirectPathSink sink) {
        this.sink = sink;
    }

    @Override
    public void onEvent(final FrameSlot slot, final long sequence, final boolean endOfBatch) {
        final DirectPathSink directPath = sink;
        final DirectBuffer buffer = slot.buffer();
        if (directPath == null || !DiscoHeaderFlyweight.looksLikeDisco(buffer, 0, slot.length())) {
            return;
        }
        slot.verdict(FrameSlot.Verdict.CONSUMED);

        // Only the relaying node's own netmap disco key may speak for it, so one peer can't teach endpoints for
        // another. Checked before opening: a foreign key costs no X25519 and never enters the key cache.
        final Netmap netmap = slot.netmap();
        final DiscoKey relayingNodeDisco = netmap.discoKey(slot.peerId());
        if (relayingNodeDisco == null
            || !relayingNodeDisco.matches(buffer, DiscoHeaderFlyweight.SENDER_KEY_OFFSET)) {
            counters.increment(InboundCounter.DISCO_SENDER_NOT_RELAYING_NODE);
            return;
        }

        final DiscoOpenResult result = opener.open(buffer, 0, slot.length());
        switch (result) {
            case OK_CALL_ME_MAYBE:
                endpoints.clear();
                if (filter.filter(opener.callMeMaybe(), endpoints) == 0) {
                    counters.increment(InboundCounter.DISCO_CALL_ME_MAYBE_NO_CANDIDATES);
                } else {
                    directPath.onCallMeMaybe(netmap.nodeKey(slot.peerId()), relayingNodeDisco, endpoints);
                    counters.increment(InboundCounter.DISCO_CALL_ME_MAYBE_LEARNED);
                }
                break;
            case OK_PING:
                // Never answered: a Pong would reveal our addresses to whoever sits on the relay path, and a
                // relayed frame has no real UDP source to answer (SPEC §5.6, §7; anti-leak gate).
                counters.increment(InboundCounter.DISCO_PING_CONSUMED);
                break;
            case OK_PONG:
                counters.increment(InboundCounter.DISCO_PONG_CONSUMED);
                break;
            default:
                counters.increment(result.isOk()
                    ? InboundCounter.DISCO_OTHER_CONSUMED : InboundCounter.DISCO_OPEN_FAILED);
                break;
        }
    }
}
