package io.derpring.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import io.derpring.internal.crypto.NaclBox;
import io.derpring.internal.frame.ClientInfo;
import io.derpring.internal.frame.ClientInfoFrame;
import io.derpring.internal.frame.DerpProtocol;
import io.derpring.internal.frame.EmptyFrameFlyweight;
import io.derpring.internal.frame.FrameError;
import io.derpring.internal.frame.FrameHandler;
import io.derpring.internal.frame.FrameReader;
import io.derpring.internal.frame.FrameType;
import io.derpring.internal.frame.PeerGoneFlyweight;
import io.derpring.internal.frame.PeerPresentFlyweight;
import io.derpring.internal.frame.PingFlyweight;
import io.derpring.internal.frame.ServerKeyFlyweight;
import io.derpring.internal.relay.ClientSink;
import io.derpring.internal.relay.MeshPeer;
import io.derpring.internal.relay.RelayClient;
import io.derpring.internal.relay.RelayKey;
import io.derpring.internal.relay.RelayShard;
import io.derpring.keys.NodeKey;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One outgoing watch connection to a mesh peer (SPEC §2.6, §2.2, §3.9; Go {@code derphttp} mesh client): the HTTP
 * upgrade, then ServerKey, our ClientInfo with the mesh key (sealed with this server's own key, so the peer sees our
 * server key as the client key), WatchConns, ServerInfo; after that the peer's PeerPresent/PeerGone feed the
 * {@link MeshPeer} and the engine writes ForwardPacket frames through this handler as its {@link ClientSink}.
 *
 * <p>A peer whose ServerKey is our own key is this server itself (Go {@code RunWatchConnectionLoop}): the connection
 * is closed and the peer is not dialed again.
 */
final class MeshLinkHandler extends FrameSinkHandler implements FrameHandler {
    /** A 101 response is a few hundred bytes; more than this before the blank line is not a DERP server. */
    static final int MAX_UPGRADE_RESPONSE_BYTES = 8192;
    private static final int CLIENT_INFO_FRAME_CAPACITY = 512;
    private static final byte[] END_OF_HEADERS = {'\r', '\n', '\r', '\n'};

    private final MeshClient owner;
    private final RelayShard<ByteBuf> shard;
    private final FrameReader reader = FrameReader.forClient(this);
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private ByteBuf response;
    private boolean upgraded;
    private NodeKey peerServerKey;
    private RelayClient<ByteBuf> link;

    MeshLinkHandler(final MeshClient owner, final RelayShard<ByteBuf> shard) {
        this.owner = owner;
        this.shard = shard;
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) {
        final String request = "GET /derp HTTP/1.1\r\n"
            + "Host: " + owner.address().name() + "\r\n"
            + "Connection: Upgrade\r\n"
            + "Upgrade: DERP\r\n"
            + "\r\n";
        ctx.writeAndFlush(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII), ctx.voidPromise());
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        final ByteBuf buf = (ByteBuf) msg;
        if (upgraded) {
            feed(buf);
            return;
        }
        if (response == null) {
            response = ctx.alloc().heapBuffer(256);
        }
        response.writeBytes(buf);
        buf.release();
        final int end = ByteBufUtil.indexOf(Unpooled.wrappedBuffer(END_OF_HEADERS), response);
        if (end < 0) {
            if (response.readableBytes() > MAX_UPGRADE_RESPONSE_BYTES) {
                owner.failed("upgrade response too long");
                ctx.close();
            }
            return;
        }
        final String statusLine = response.toString(0, Math.max(0, response.indexOf(0, end, (byte) '\r')),
            StandardCharsets.US_ASCII);
        if (!statusLine.startsWith("HTTP/1.1 101") && !statusLine.startsWith("HTTP/1.0 101")) {
            owner.failed("no DERP upgrade: " + statusLine);
            ctx.close();
            return;
        }
        upgraded = true;
        final ByteBuf rest = response.retainedSlice(end + END_OF_HEADERS.length,
            response.writerIndex() - end - END_OF_HEADERS.length);
        response.release();
        response = null;
        feed(rest);
    }

    private void feed(final ByteBuf buf) {
        try {
            final int n = buf.readableBytes();
            if (n == 0) {
                return;
            }
            if (buf.hasMemoryAddress()) {
                view.wrap(buf.memoryAddress() + buf.readerIndex(), n);
            } else if (buf.hasArray()) {
                view.wrap(buf.array(), buf.arrayOffset() + buf.readerIndex(), n);
            } else {
                final byte[] copy = new byte[n];
                buf.getBytes(buf.readerIndex(), copy);
                view.wrap(copy);
            }
            reader.onData(view, 0, n);
        } finally {
            buf.release();
            view.wrap(0, 0);
        }
    }

    @Override
    public void onFrame(final int type, final DirectBuffer buffer, final int offset, final int length) {
        final MeshPeer<ByteBuf> peer = owner.peer();
        switch (type) {
            case FrameType.SERVER_KEY:
                onServerKey(ServerKeyFlyweight.readServerKey(buffer, offset));
                break;
            case FrameType.SERVER_INFO:
                if (link == null && peerServerKey != null) {
                    link = shard.registerMeshLink(this, peerServerKey, peer);
                    peer.linkUp(link);
                    owner.connected();
                }
                break;
            case FrameType.PEER_PRESENT:
                if (link != null) {
                    peer.onPeerPresent(RelayKey.copyOf(buffer, PeerPresentFlyweight.peerKeyOffset(offset)));
                }
                break;
            case FrameType.PEER_GONE:
                if (link != null) {
                    peer.onPeerGone(RelayKey.copyOf(buffer, PeerGoneFlyweight.peerKeyOffset(offset)));
                }
                break;
            case FrameType.PING:
                if (link != null) {
                    link.onPing(PingFlyweight.data(buffer, offset));
                }
                break;
            default:
                break; // KeepAlive, Health, Restarting: nothing to do; RecvPacket: nobody sends to a server key
        }
    }

    private void onServerKey(final NodeKey key) {
        peerServerKey = key;
        if (owner.isSelf(key)) {
            owner.selfDetected();
            ctx.close();
            return;
        }
        final ClientInfo info = new ClientInfo(owner.meshKey(), DerpProtocol.PROTOCOL_VERSION, true, false, "");
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[CLIENT_INFO_FRAME_CAPACITY]);
        int n = ClientInfoFrame.seal(new NaclBox(), owner.serverPrivate(), key, info, frame, 0);
        n += EmptyFrameFlyweight.encodeWatchConns(frame, n);
        writeControl(frame, 0, n);
        flush();
    }

    /** True once the handshake finished and packets can be forwarded on this connection. */
    boolean isLinked() {
        return link != null;
    }

    @Override
    public void onError(final FrameError error, final int type, final long length) {
        owner.failed("protocol error " + error);
        ctx.close();
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx) {
        if (link != null) {
            link.onWritabilityChanged(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) {
        if (link != null) {
            link.close();
            owner.peer().linkDown(link);
        }
        releaseResponse();
        owner.disconnected();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(final ChannelHandlerContext ctx) {
        releaseResponse();
    }

    private void releaseResponse() {
        if (response != null) {
            response.release();
            response = null;
        }
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        owner.failed(cause instanceof IOException ? String.valueOf(cause.getMessage()) : cause.toString());
        ctx.close();
    }


    @Override
    public void close() {
        ctx.close();
    }
}
