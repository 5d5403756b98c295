package io.derpring.crypto;

/**
 * The Salsa20 core (20 rounds) and HSalsa20, on int words. Word layout of the 4x4 state:
 * <pre>
 *   c0  k0  k1  k2
 *   k3  c1  n0  n1
 *   b0  b1  c2  k4
 *   k5  k6  k7  c3      (b = 64-bit block counter; for HSalsa20, n0 n1 b0 b1 = the 16-byte input)
 * </pre>
 * Static and allocation-free: callers own the arrays.
 */
final class Salsa20 {
    static final int BLOCK_LENGTH = 64;
    /** "expand 32-byte k", little-endian words. */
    private static final int C0 = 0x61707865, C1 = 0x3320646e, C2 = 0x79622d32, C3 = 0x6b206574;

    private Salsa20() {
    }

    /** Fills {@code state} for a 32-byte key (8 words), an 8-byte nonce (2 words) and block counter 0. */
    static void init(final int[] state, final int[] key, final int n0, final int n1) {
        state[0] = C0;
        state[1] = key[0];
        state[2] = key[1];
        state[3] = key[2];
        state[4] = key[3];
        state[5] = C1;
        state[6] = n0;
        state[7] = n1;
        state[8] = 0;
        state[9] = 0;
        state[10] = C2;
        state[11] = key[4];
        state[12] = key[5];
        state[13] = key[6];
        state[14] = key[7];
        state[15] = C3;
    }

    /** Advances the 64-bit block counter. */
    static void nextBlock(final int[] state) {
        if (++state[8] == 0) {
            state[9]++;
        }
    }

    /** One keystream block: out = rounds(state) + state. */
    static void block(final int[] state, final int[] out) {
        rounds(state, out);
        for (int i = 0; i < 16; i++) {
            out[i] += state[i];
        }
    }

    /**
     * HSalsa20: the rounds without the feed-forward, keeping words 0, 5, 10, 15, 6, 7, 8, 9. It turns a 32-byte
     * key and a 16-byte input into a new 32-byte key (XSalsa20's subkey; crypto_box_beforenm with a zero input).
     */
    static void hsalsa20(final int[] key, final int i0, final int i1, final int i2, final int i3,
                         final int[] scratchState, final int[] scratchOut, final int[] subkey) {
        init(scratchState, key, i0, i1);
        scratchState[8] = i2;
        scratchState[9] = i3;
        rounds(scratchState, scratchOut);
        subkey[0] = scratchOut[0];
        subkey[1] = scratchOut[5];
        subkey[2] = scratchOut[10];
        subkey[3] = scratchOut[15];
        subkey[4] = scratchOut[6];
        subkey[5] = scratchOut[7];
        subkey[6] = scratchOut[8];
        subkey[7] = scratchOut[9];
    }

    private static void rounds(final int[] in, final int[] out) {
        int x0 = in[0], x1 = in[1], x2 = in[2], x3 = in[3];
        int x4 = in[4], x5 = in[5], x6 = in[6], x7 = in[7];
        int x8 = in[8], x9 = in[9], x10 = in[10], x11 = in[11];
        int x12 = in[12], x13 = in[13], x14 = in[14], x15 = in[15];
        for (int i = 0; i < 10; i++) {
            // column round
            x4 ^= Integer.rotateLeft(x0 + x12, 7);
            x8 ^= Integer.rotateLeft(x4 + x0, 9);
            x12 ^= Integer.rotateLeft(x8 + x4, 13);
            x0 ^= Integer.rotateLeft(x12 + x8, 18);
            x9 ^= Integer.rotateLeft(x5 + x1, 7);
            x13 ^= Integer.rotateLeft(x9 + x5, 9);
            x1 ^= Integer.rotateLeft(x13 + x9, 13);
            x5 ^= Integer.rotateLeft(x1 + x13, 18);
            x14 ^= Integer.rotateLeft(x10 + x6, 7);
            x2 ^= Integer.rotateLeft(x14 + x10, 9);
            x6 ^= Integer.rotateLeft(x2 + x14, 13);
            x10 ^= Integer.rotateLeft(x6 + x2, 18);
            x3 ^= Integer.rotateLeft(x15 + x11, 7);
            x7 ^= Integer.rotateLeft(x3 + x15, 9);
            x11 ^= Integer.rotateLeft(x7 + x3, 13);
            x15 ^= Integer.rotateLeft(x11 + x7, 18);
            // row round
            x1 ^= Integer.rotateLeft(x0 + x3, 7);
            x2 ^= Integer.rotateLeft(x1 + x0, 9);
            x3 ^= Integer.rotateLeft(x2 + x1, 13);
            x0 ^= Integer.rotateLeft(x3 + x2, 18);
            x6 ^= Integer.rotateLeft(x5 + x4, 7);
            x7 ^= Integer.rotateLeft(x6 + x5, 9);
            x4 ^= Integer.rotateLeft(x7 + x6, 13);
            x5 ^= Integer.rotateLeft(x4 + x7, 18);
            x11 ^= Integer.rotateLeft(x10 + x9, 7);
            x8 ^= Integer.rotateLeft(x11 + x10, 9);
            x9 ^= Integer.rotateLeft(x8 + x11, 13);
            x10 ^= Integer.rotateLeft(x9 + x8, 18);
            x12 ^= Integer.rotateLeft(x15 + x14, 7);
            x13 ^= Integer.rotateLeft(x12 + x15, 9);
            x14 ^= Integer.rotateLeft(x13 + x12, 13);
            x15 ^= Integer.rotateLeft(x14 + x13, 18);
        }
        out[0] = x0;
        out[1] = x1;
        out[2] = x2;
        out[3] = x3;
        out[4] = x4;
        out[5] = x5;
        out[6] = x6;
        out[7] = x7;
        out[8] = x8;
        out[9] = x9;
        out[10] = x10;
        out[11] = x11;
        out[12] = x12;
        out[13] = x13;
        out[14] = x14;
        out[15] = x15;
    }
}
