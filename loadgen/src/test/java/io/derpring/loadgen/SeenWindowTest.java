package io.derpring.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SeenWindowTest {
    private final SeenWindow w = new SeenWindow();

    @Test
    void inOrderSequenceIsNewEveryTime() {
        for (long s = 0; s < 3 * SeenWindow.WINDOW_BITS; s++) {
            assertThat(w.mark(s)).isEqualTo(SeenWindow.NEW_IN_ORDER);
        }
        assertThat(w.highest()).isEqualTo(3L * SeenWindow.WINDOW_BITS - 1);
    }

    @Test
    void repeatedSeqIsADuplicate() {
        w.mark(0);
        w.mark(1);
        assertThat(w.mark(1)).isEqualTo(SeenWindow.DUPLICATE);
        assertThat(w.mark(0)).isEqualTo(SeenWindow.DUPLICATE);
    }

    @Test
    void gapFilledLaterIsReorderedOnceThenDuplicate() {
        w.mark(0);
        w.mark(2);
        assertThat(w.mark(1)).isEqualTo(SeenWindow.NEW_REORDERED);
        assertThat(w.mark(1)).isEqualTo(SeenWindow.DUPLICATE);
    }

    @Test
    void windowEdgeIsStillClassifiedAndOneBeyondIsTooOld() {
        w.mark(SeenWindow.WINDOW_BITS);
        // highest - WINDOW_BITS + 1 is the oldest seq the window still holds
        assertThat(w.mark(1)).isEqualTo(SeenWindow.NEW_REORDERED);
        assertThat(w.mark(0)).isEqualTo(SeenWindow.TOO_OLD);
    }

    @Test
    void jumpLongerThanTheWindowForgetsEverySlot() {
        for (long s = 0; s < 10; s++) {
            w.mark(s);
        }
        final long far = 10L * SeenWindow.WINDOW_BITS + 5;
        w.mark(far);
        // seqs that share slots with the old ones must read as not seen
        for (long s = far - SeenWindow.WINDOW_BITS + 1; s < far; s++) {
            assertThat(w.mark(s)).as("seq %d", s).isEqualTo(SeenWindow.NEW_REORDERED);
        }
    }

    @Test
    void jumpWithinTheWindowClearsOnlyTheSkippedSlots() {
        for (long s = 0; s < SeenWindow.WINDOW_BITS; s++) {
            w.mark(s);
        }
        w.mark(SeenWindow.WINDOW_BITS + 10); // skips WINDOW_BITS .. +9, whose slots held 0..9
        assertThat(w.mark(SeenWindow.WINDOW_BITS + 3)).isEqualTo(SeenWindow.NEW_REORDERED);
        assertThat(w.mark(20)).isEqualTo(SeenWindow.DUPLICATE);
    }

    @Test
    void negativeSeqIsTooOld() {
        assertThat(w.mark(-5)).isEqualTo(SeenWindow.TOO_OLD);
    }
}
