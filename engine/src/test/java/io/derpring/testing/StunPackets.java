package io.derpring.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * STUN datagrams for tests, built byte by byte as Go's {@code stun.Request} builds them, with an independent
 * FINGERPRINT (the JDK's {@link CRC32}, not the code under test).
 */
public final class StunPackets {
    public static final int SOFTWARE = 0x8022;
    public static final int FINGERPRINT = 0x8028;
    public static final int BINDING_REQUEST = 0x0001;
    public static final int MAGIC_COOKIE = 0x2112_A442;

    /**
     * RFC 5769 §2.1's sample request: SOFTWARE "STUN test client", PRIORITY, ICE-CONTROLLED, USERNAME,
     * MESSAGE-INTEGRITY, FINGERPRINT. Not from Tailscale, so Go leaves it unanswered.
     */
    public static final String RFC5769_SAMPLE_REQUEST = "000100582112a442b7e7a701bc34d686fa87dfae"
        + "802200105354554e207465737420636c69656e74"
        + "002400046e0001ff"
        + "80290008932ff9b151263b36"
        + "000600096576746a3a68367659202020"
        + "000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2"
        + "80280004e57a3bcf";

    /** How the request ends. */
    public enum Fingerprint { VALID, NONE, CORRUPT }

    private StunPackets() {
    }

    /** Go's {@code stun.Request(txId)}: SOFTWARE "tailnode" and a FINGERPRINT, 40 bytes. */
    public static byte[] tailnodeRequest(final byte[] txId) {
        return request(BINDING_REQUEST, txId, "tailnode", Fingerprint.VALID);
    }

    /** A request of {@code type}, with a SOFTWARE attribute unless {@code software} is null. */
    public static byte[] request(final int type, final byte[] txId, final String software, final Fingerprint fp) {
        final ByteArrayOutputStream b = new ByteArrayOutputStream();
        u16(b, type);
        u16(b, 0); // patched below
        u32(b, MAGIC_COOKIE);
        b.writeBytes(txId);
        if (software != null) {
            final byte[] s = software.getBytes(StandardCharsets.UTF_8);
            u16(b, SOFTWARE);
            u16(b, s.length);
            b.writeBytes(s);
            b.writeBytes(new byte[(4 - s.length % 4) % 4]);
        }
        byte[] msg = b.toByteArray();
        if (fp != Fingerprint.NONE) {
            final int attrsLength = msg.length - 20 + 8;
            msg[2] = (byte) (attrsLength >>> 8);
            msg[3] = (byte) attrsLength;
            final int crc = crc(msg) ^ 0x5354_554E;
            u16(b, FINGERPRINT);
            u16(b, 4);
            u32(b, fp == Fingerprint.CORRUPT ? crc ^ 1 : crc);
            final byte[] withFp = b.toByteArray();
            withFp[2] = msg[2];
            withFp[3] = msg[3];
            msg = withFp;
        } else {
            msg[2] = (byte) ((msg.length - 20) >>> 8);
            msg[3] = (byte) (msg.length - 20);
        }
        return msg;
    }

    public static byte[] txId(final int fill) {
        final byte[] tx = new byte[12];
        java.util.Arrays.fill(tx, (byte) fill);
        return tx;
    }

    public static int crc(final byte[] bytes) {
        final CRC32 crc = new CRC32();
        crc.update(bytes);
        return (int) crc.getValue();
    }

    private static void u16(final ByteArrayOutputStream b, final int v) {
        b.write(v >>> 8);
        b.write(v);
    }

    private static void u32(final ByteArrayOutputStream b, final int v) {
        u16(b, v >>> 16);
        u16(b, v);
    }
}
