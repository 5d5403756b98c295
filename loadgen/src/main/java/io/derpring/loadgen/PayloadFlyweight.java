package io.derpring.loadgen;

import static java.nio.ByteOrder.BIG_ENDIAN;
import static org.agrona.BitUtil.SIZE_OF_BYTE;
import static org.agrona.BitUtil.SIZE_OF_INT;
import static org.agrona.BitUtil.SIZE_OF_LONG;
import static org.agrona.BitUtil.SIZE_OF_SHORT;

import java.util.zip.CRC32C;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The generator's packet: what a DERP SendPacket carries between the two nodes of a pair.
 * <pre>
 *  0      1      2             4             8                     16                    24           28
 *  +------+------+-------------+-------------+---------------------+---------------------+------------+------
 *  | kind | flags| reserved 0  | pair (i32)  | seq (i64)           | scheduled ns (i64)  | crc32c(i32)| fill ...
 *  +------+------+-------------+-------------+---------------------+---------------------+------------+------
 * </pre>
 * All fields big-endian. {@code kind} is {@link #KIND_DATA} or {@link #KIND_ACK}; neither is {@code 'T'}, so no
 * payload ever looks like a disco message ({@code "TS💬"}) and the engine's disco stage lets every one through.
 * Data: {@code seq} counts from 0 per pair, {@code scheduled} is when the sender meant to send it (for latency
 * without coordinated omission), and the fill is {@link #FILL_PATTERNS} patterns chosen by {@code seq}. Ack: {@code
 * seq} is the cumulative acknowledgement (every data seq below it has arrived or never will: DERP keeps a pair's
 * order over TCP), no fill. The CRC32C covers every byte but its own four, so a flipped bit anywhere, a truncated
 * packet, or one pair's header on another's fill, is caught.
 */
public final class PayloadFlyweight {
    public static final int KIND_OFFSET = 0;
    public static final int FLAGS_OFFSET = KIND_OFFSET + SIZE_OF_BYTE;
    public static final int RESERVED_OFFSET = FLAGS_OFFSET + SIZE_OF_BYTE;
    public static final int PAIR_OFFSET = RESERVED_OFFSET + SIZE_OF_SHORT;
    public static final int SEQ_OFFSET = PAIR_OFFSET + SIZE_OF_INT;
    public static final int SCHEDULED_NS_OFFSET = SEQ_OFFSET + SIZE_OF_LONG;
    public static final int CRC_OFFSET = SCHEDULED_NS_OFFSET + SIZE_OF_LONG;
    public static final int HEADER_LENGTH = CRC_OFFSET + SIZE_OF_INT;
    /** An ack is a header alone. */
    public static final int ACK_LENGTH = HEADER_LENGTH;

    public static final byte KIND_DATA = 0x01;
    public static final byte KIND_ACK = 0x02;
    /** Sent during warmup: accounted for, but not in throughput or latency. */
    public static final int FLAG_WARMUP = 0x01;
    /** Distinct fills, so a packet's body depends on its seq yet is never rewritten per packet. */
    public static final int FILL_PATTERNS = 16;

    private PayloadFlyweight() {
    }

    public static byte kind(final DirectBuffer b, final int at) {
        return b.getByte(at + KIND_OFFSET);
    }

    public static boolean isWarmup(final DirectBuffer b, final int at) {
        return (b.getByte(at + FLAGS_OFFSET) & FLAG_WARMUP) != 0;
    }

    public static int pair(final DirectBuffer b, final int at) {
        return b.getInt(at + PAIR_OFFSET, BIG_ENDIAN);
    }

    public static long seq(final DirectBuffer b, final int at) {
        return b.getLong(at + SEQ_OFFSET, BIG_ENDIAN);
    }

    public static long scheduledNs(final DirectBuffer b, final int at) {
        return b.getLong(at + SCHEDULED_NS_OFFSET, BIG_ENDIAN);
    }

    /** Writes the header (CRC zero) at {@code at}. */
    public static void writeHeader(final MutableDirectBuffer b, final int at, final byte kind, final boolean warmup,
                                   final int pair, final long seq, final long scheduledNs) {
        b.putByte(at + KIND_OFFSET, kind);
        b.putByte(at + FLAGS_OFFSET, (byte) (warmup ? FLAG_WARMUP : 0));
        b.putShort(at + RESERVED_OFFSET, (short) 0, BIG_ENDIAN);
        b.putInt(at + PAIR_OFFSET, pair, BIG_ENDIAN);
        b.putLong(at + SEQ_OFFSET, seq, BIG_ENDIAN);
        b.putLong(at + SCHEDULED_NS_OFFSET, scheduledNs, BIG_ENDIAN);
        b.putInt(at + CRC_OFFSET, 0, BIG_ENDIAN);
    }

    /** Computes and stores the CRC of {@code packet[0, length)}, a heap array (CRC32C reads arrays without copying). */
    public static void seal(final CRC32C crc, final byte[] packet, final int length,
                            final MutableDirectBuffer view) {
        view.putInt(CRC_OFFSET, checksum(crc, packet, length), BIG_ENDIAN);
    }

    /** True when the stored CRC matches {@code packet[0, length)}; false for anything shorter than a header. */
    public static boolean verify(final CRC32C crc, final byte[] packet, final int length, final DirectBuffer view) {
        return length >= HEADER_LENGTH && view.getInt(CRC_OFFSET, BIG_ENDIAN) == checksum(crc, packet, length);
    }

    /** CRC32C over every byte of {@code packet[0, length)} except the CRC field. Allocation-free. */
    static int checksum(final CRC32C crc, final byte[] packet, final int length) {
        crc.reset();
        crc.update(packet, 0, CRC_OFFSET);
        crc.update(packet, HEADER_LENGTH, length - HEADER_LENGTH);
        return (int) crc.getValue();
    }

    /** The fill of pattern {@code pattern} into {@code packet[HEADER_LENGTH, length)}: deterministic, not constant. */
    static void writeFill(final byte[] packet, final int length, final int pattern) {
        int x = 0x9E3779B9 * (pattern + 1);
        for (int i = HEADER_LENGTH; i < length; i++) {
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            packet[i] = (byte) x;
        }
    }

    /** The fill pattern of data packet {@code seq}. */
    static int patternOf(final long seq) {
        return (int) (seq & (FILL_PATTERNS - 1));
    }
}
