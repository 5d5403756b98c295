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
