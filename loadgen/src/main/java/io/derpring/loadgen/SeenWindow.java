package io.derpring.loadgen;

/**
 * Which of the last {@link #WINDOW_BITS} sequence numbers of one pair have arrived: a ring of bits sliding with the
 * highest seq seen, so duplicate detection costs fixed memory however long the run. A seq further behind than the
 * window can't be classified; {@link #mark} reports it as {@link #TOO_OLD}. Single writer (the pair's receiving
 * thread).
 */
final class SeenWindow {
    /** 4096 bits = 512 bytes per pair; DERP keeps order over TCP, so real reordering is far shorter than this. */
    static final int WINDOW_BITS = 4096;
    static final int NEW_IN_ORDER = 0;
    static final int NEW_REORDERED = 1;
    static final int DUPLICATE = 2;
    static final int TOO_OLD = 3;

    private static final int MASK = WINDOW_BITS - 1;
    private final long[] bits = new long[WINDOW_BITS / Long.SIZE];
    private long highest = -1;

    /** Records {@code seq} and says whether it was new (in order or late), a duplicate, or too old to tell. */
    int mark(final long seq) {
        if (seq > highest) {
            // Slots between the old highest and seq are now "not seen": clear them (all of them if seq jumped far).
            final long clearFrom = Math.max(highest + 1, seq - WINDOW_BITS + 1);
            for (long s = clearFrom; s < seq; s++) {
                clear(s);
            }
            set(seq);
            highest = seq;
            return NEW_IN_ORDER;
        }
        if (seq <= highest - WINDOW_BITS || seq < 0) {
            return TOO_OLD;
        }
        if (isSet(seq)) {
            return DUPLICATE;
        }
        set(seq);
        return NEW_REORDERED;
    }

    /** The highest seq seen, or -1. */
    long highest() {
        return highest;
    }

    private boolean isSet(final long seq) {
        final int i = (int) (seq & MASK);
        return (bits[i >>> 6] & (1L << i)) != 0;
    }

    private void set(final long seq) {
        final int i = (int) (seq & MASK);
        bits[i >>> 6] |= 1L << i;
    }

    private void clear(final long seq) {
        final int i = (int) (seq & MASK);
        bits[i >>> 6] &= ~(1L << i);
    }
}
