package io.derpring.internal.region;

/**
 * What a home-region selection changes (RS {@code home_transition}; SPEC §5.3). Selecting the current home changes
 * nothing — no NotePreferred, no idle timer; a new home demotes the old one (it becomes idle-closable) and promotes
 * the new one; no selection ({@link #NONE}) keeps the current home.
 */
public final class HomeTransition {
    /** No region. Region ids are positive. */
    public static final int NONE = 0;

    private final boolean changed;
    private final int demote;
    private final int promote;

    private HomeTransition(final boolean changed, final int demote, final int promote) {
        this.changed = changed;
        this.demote = demote;
        this.promote = promote;
    }

    public static HomeTransition of(final int current, final int selected) {
        if (selected == NONE || selected == current) {
            return new HomeTransition(false, NONE, NONE);
        }
        return new HomeTransition(true, current, selected);
    }

    public boolean changed() {
        return changed;
    }

    /** The old home, or {@link #NONE}. */
    public int demote() {
        return demote;
    }

    public int promote() {
        return promote;
    }
}
