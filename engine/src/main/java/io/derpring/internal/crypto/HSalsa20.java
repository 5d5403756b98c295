package io.derpring.internal.crypto;

import org.bouncycastle.crypto.engines.Salsa20Engine;
import org.bouncycastle.util.Pack;

/**
 * HSalsa20, which Bouncy Castle does not expose: the Salsa20 core without its final feed-forward, keeping words
 * 0, 5, 10, 15, 6, 7, 8, 9. Bouncy Castle's public {@code salsaCore} adds the input back, so the input words are
 * subtracted again, as {@code XSalsa20Engine.setKey} does internally. It turns a 32-byte key and a 16-byte input into
 * a 32-byte key: {@code crypto_box_beforenm} (zero input) and the XSalsa20 subkey (the first 16 nonce bytes).
 *
 * <p>Holds its two state arrays so that rekeying per box allocates nothing: one instance per thread.
 */
final class HSalsa20 {
    static final int KEY_LENGTH = 32;
    static final int INPUT_LENGTH = 16;

    private static final int ROUNDS = 20;
    private static final int STATE_WORDS = 16;
    /** "expand 32-byte k" as little-endian words, the Salsa20 constants for a 256-bit key. */
    private static final int SIGMA0 = 0x61707865, SIGMA1 = 0x3320646e, SIGMA2 = 0x79622d32, SIGMA3 = 0x6b206574;
    /** State positions whose rounds output forms the HSalsa20 result, in output order. */
    private static final int[] OUTPUT_POSITIONS = {0, 5, 10, 15, 6, 7, 8, 9};

    private final int[] state = new int[STATE_WORDS];
    private final int[] rounds = new int[STATE_WORDS];

    /**
     * Writes HSalsa20({@code key}, {@code input[inputOffset, +16)}) (32 bytes) into {@code out[0, 32)}.
     * State layout: {@code c0 k0 k1 k2 / k3 c1 i0 i1 / i2 i3 c2 k4 / k5 k6 k7 c3}.
     */
    void derive(final byte[] key, final byte[] input, final int inputOffset, final byte[] out) {
        state[0] = SIGMA0;
        state[5] = SIGMA1;
        state[10] = SIGMA2;
        state[15] = SIGMA3;
        Pack.littleEndianToInt(key, 0, state, 1, 4);
        Pack.littleEndianToInt(input, inputOffset, state, 6, 4);
        Pack.littleEndianToInt(key, 16, state, 11, 4);
        Salsa20Engine.salsaCore(ROUNDS, state, rounds);
        for (int i = 0; i < OUTPUT_POSITIONS.length; i++) {
            final int at = OUTPUT_POSITIONS[i];
            Pack.intToLittleEndian(rounds[at] - state[at], out, 4 * i);
        }
    }
}
