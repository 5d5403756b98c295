package io.derpring.crypto;

import static java.nio.ByteOrder.LITTLE_ENDIAN;

import org.agrona.DirectBuffer;

/**
 * Poly1305 one-time authenticator over an Agrona buffer, with 26-bit limbs in longs (the "donna" 32-bit layout).
 * Reusable: {@link #init} per message. One thread.
 */
final class Poly1305 {
    static final int TAG_LENGTH = 16;
    private static final int BLOCK = 16;
    private static final long MASK26 = 0x3ffffff;
    private static final long MASK32 = 0xffffffffL;

    private long r0, r1, r2, r3, r4, s1, s2, s3, s4;
    private long h0, h1, h2, h3, h4;
    private long pad0, pad1, pad2, pad3;
    private final int[] tailWords = new int[4];

    /** Key = words 0..3 (r, clamped here) and words 4..7 (s, the pad), as produced by the keystream. */
    void init(final int[] keyWords) {
        final int t0 = keyWords[0], t1 = keyWords[1], t2 = keyWords[2], t3 = keyWords[3];
        r0 = t0 & 0x3ffffff;
        r1 = ((t0 >>> 26) | (t1 << 6)) & 0x3ffff03;
        r2 = ((t1 >>> 20) | (t2 << 12)) & 0x3ffc0ff;
        r3 = ((t2 >>> 14) | (t3 << 18)) & 0x3f03fff;
        r4 = (t3 >>> 8) & 0x00fffff;
        s1 = r1 * 5;
        s2 = r2 * 5;
        s3 = r3 * 5;
        s4 = r4 * 5;
        h0 = h1 = h2 = h3 = h4 = 0;
        pad0 = keyWords[4] & MASK32;
        pad1 = keyWords[5] & MASK32;
        pad2 = keyWords[6] & MASK32;
        pad3 = keyWords[7] & MASK32;
    }

    /** Authenticates {@code buffer[offset, offset + length)}: the whole message in one call. */
    void update(final DirectBuffer buffer, final int offset, final int length) {
        int at = offset;
        final int fullEnd = offset + (length & ~(BLOCK - 1));
        while (at < fullEnd) {
            final long lo = buffer.getLong(at, LITTLE_ENDIAN);
            final long hi = buffer.getLong(at + 8, LITTLE_ENDIAN);
            block((int) lo, (int) (lo >>> 32), (int) hi, (int) (hi >>> 32), 1 << 24);
            at += BLOCK;
        }
        final int tail = offset + length - at;
        if (tail > 0) {
            // The last partial block is padded with a single 1 byte then zeros, and has no high bit.
            final int[] m = tailWords;
            m[0] = 0;
            m[1] = 0;
            m[2] = 0;
            m[3] = 0;
            for (int i = 0; i < tail; i++) {
                m[i >> 2] |= (buffer.getByte(at + i) & 0xFF) << ((i & 3) << 3);
            }
            m[tail >> 2] |= 1 << ((tail & 3) << 3);
            block(m[0], m[1], m[2], m[3], 0);
        }
    }

    private void block(final int m0, final int m1, final int m2, final int m3, final int hibit) {
        long h0 = this.h0 + (m0 & MASK26);
        long h1 = this.h1 + (((m0 >>> 26) | (m1 << 6)) & MASK26);
        long h2 = this.h2 + (((m1 >>> 20) | (m2 << 12)) & MASK26);
        long h3 = this.h3 + (((m2 >>> 14) | (m3 << 18)) & MASK26);
        long h4 = this.h4 + ((m3 >>> 8) | hibit);

        final long d0 = h0 * r0 + h1 * s4 + h2 * s3 + h3 * s2 + h4 * s1;
        long d1 = h0 * r1 + h1 * r0 + h2 * s4 + h3 * s3 + h4 * s2;
        long d2 = h0 * r2 + h1 * r1 + h2 * r0 + h3 * s4 + h4 * s3;
        long d3 = h0 * r3 + h1 * r2 + h2 * r1 + h3 * r0 + h4 * s4;
        long d4 = h0 * r4 + h1 * r3 + h2 * r2 + h3 * r1 + h4 * r0;

        long c = d0 >>> 26;
        h0 = d0 & MASK26;
        d1 += c;
        c = d1 >>> 26;
        h1 = d1 & MASK26;
        d2 += c;
        c = d2 >>> 26;
        h2 = d2 & MASK26;
        d3 += c;
        c = d3 >>> 26;
        h3 = d3 & MASK26;
        d4 += c;
        c = d4 >>> 26;
        h4 = d4 & MASK26;
        h0 += c * 5;
        c = h0 >>> 26;
        h0 &= MASK26;
        h1 += c;

        this.h0 = h0;
        this.h1 = h1;
        this.h2 = h2;
        this.h3 = h3;
        this.h4 = h4;
    }

    /** Finishes the MAC; the 16-byte tag is returned as two little-endian longs via {@link #tagLow}/{@link #tagHigh}. */
    void finish() {
        long c = h1 >>> 26;
        h1 &= MASK26;
        h2 += c;
        c = h2 >>> 26;
        h2 &= MASK26;
        h3 += c;
        c = h3 >>> 26;
        h3 &= MASK26;
        h4 += c;
        c = h4 >>> 26;
        h4 &= MASK26;
        h0 += c * 5;
        c = h0 >>> 26;
        h0 &= MASK26;
        h1 += c;

        // g = h + 5 - 2^130; keep g if it did not go negative (h >= p), in constant time.
        long g0 = h0 + 5;
        c = g0 >>> 26;
        g0 &= MASK26;
        long g1 = h1 + c;
        c = g1 >>> 26;
        g1 &= MASK26;
        long g2 = h2 + c;
        c = g2 >>> 26;
        g2 &= MASK26;
        long g3 = h3 + c;
        c = g3 >>> 26;
        g3 &= MASK26;
        final long g4 = h4 + c - (1L << 26);
        final long useG = (g4 >>> 63) - 1;
        final long useH = ~useG;
        h0 = (h0 & useH) | (g0 & useG);
        h1 = (h1 & useH) | (g1 & useG);
        h2 = (h2 & useH) | (g2 & useG);
        h3 = (h3 & useH) | (g3 & useG);
        h4 = (h4 & useH) | (g4 & useG);

        // h mod 2^128, then + pad.
        final long w0 = (h0 | (h1 << 26)) & MASK32;
        final long w1 = ((h1 >>> 6) | (h2 << 20)) & MASK32;
        final long w2 = ((h2 >>> 12) | (h3 << 14)) & MASK32;
        final long w3 = ((h3 >>> 18) | (h4 << 8)) & MASK32;
        long f = w0 + pad0;
        final long t0 = f & MASK32;
        f = w1 + pad1 + (f >>> 32);
        final long t1 = f & MASK32;
        f = w2 + pad2 + (f >>> 32);
        final long t2 = f & MASK32;
        f = w3 + pad3 + (f >>> 32);
        final long t3 = f & MASK32;
        tagLow = t0 | (t1 << 32);
        tagHigh = t2 | (t3 << 32);
    }

    long tagLow;
    long tagHigh;
}
