package io.derpring.internal.frame;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

import org.agrona.DirectBuffer;

/** Records what a reader delivers, copying each lent view; optionally admits the server's ClientInfo in-callback. */
final class RecordingHandler implements FrameHandler {
    private static final HexFormat HEX = HexFormat.of();

    /** One callback, comparable across runs. */
    record Event(String kind, int type, long length, String hex, String reason) {
        static Event frame(final int type, final String hex) {
            return new Event("frame", type, hex.length() / 2, hex, "");
        }

        @Override
        public String toString() {
            return kind + "(" + FrameType.name(type) + ", " + length + (hex.isEmpty() ? "" : ", " + abbreviate(hex))
                + (reason.isEmpty() ? "" : ", " + reason) + ")";
        }

        private static String abbreviate(final String hex) {
            return hex.length() <= 80 ? hex : hex.substring(0, 80) + "...";
        }
    }

    final List<Event> events = new ArrayList<>();
    FrameReader reader;
    /** When non-null, a ClientInfo is admitted from inside the callback with this mesh permission. */
    Boolean admitAsMesh;

    @Override
    public void onFrame(final int type, final DirectBuffer buffer, final int offset, final int length) {
        final byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        events.add(Event.frame(type, HEX.formatHex(copy)));
        if (type == FrameType.CLIENT_INFO && admitAsMesh != null && reader.isAwaitingVerification()) {
            reader.clientVerified(admitAsMesh);
        }
    }

    @Override
    public void onDrop(final FrameDrop reason, final int type, final long length) {
        events.add(new Event("drop", type, length, "", reason.name()));
    }

    @Override
    public void onError(final FrameError error, final int type, final long length) {
        events.add(new Event("error", type, length, "", error.name()));
    }

    List<Event> frames() {
        return events.stream().filter(e -> e.kind().equals("frame")).collect(Collectors.toList());
    }

    List<Event> drops() {
        return events.stream().filter(e -> e.kind().equals("drop")).collect(Collectors.toList());
    }

    Event onlyFrame() {
        final List<Event> frames = frames();
        if (frames.size() != 1) {
            throw new AssertionError("expected exactly one frame, got " + events);
        }
        return frames.get(0);
    }

    byte[] onlyPayload() {
        return HEX.parseHex(onlyFrame().hex());
    }
}
