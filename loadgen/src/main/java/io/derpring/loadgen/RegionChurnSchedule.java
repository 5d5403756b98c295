package io.derpring.loadgen;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The fixed, seeded sequence of region events a {@code --region-churn} run applies: the same seed, region and node
 * counts give the same events, so a run that fails can be repeated. Events come in rounds of one of each
 * {@link Kind} in a seeded order, so any {@code Kind.values().length} consecutive events cover every kind.
 * One thread (the churn thread) calls {@link #next()}.
 */
final class RegionChurnSchedule {
    /** The schedule of every run: a fixed seed, so runs are comparable (and repeatable when one fails). */
    static final long DEFAULT_SEED = 16;

    /** What happens to the DERP world in one event. */
    enum Kind {
        /** A region's relay is stopped and restarted on the same port (same key): every connection to it dies. */
        RELAY_RESTART("relay-restart"),
        /** A region leaves every engine's DERP map and comes back: its connections close, its homes are lost. */
        REGION_REMOVE_READD("region-remove-readd"),
        /** One node's home moves to the next region: NotePreferred on both, the always-on flag moves. */
        HOME_MOVE("home-move"),
        /** A region's node list changes (its node is renamed): its connections re-dial the new node. */
        NODE_LIST_CHANGE("node-list-change");

        private final String label;

        Kind(final String label) {
            this.label = label;
        }

        String label() {
            return label;
        }
    }

    /**
     * One event. {@code region} is the region acted on (for {@link Kind#HOME_MOVE} the new home, filled in when
     * applied: it depends on the node's home then); {@code node} the node moved ({@code 2p} pair p's sender,
     * {@code 2p + 1} its receiver), -1 for the other kinds.
     */
    record Event(Kind kind, int region, int node) {
    }

    private final Random random;
    private final int regions;
    private final int nodes;
    private final List<Kind> round = new ArrayList<>(List.of(Kind.values()));
    private int nextInRound = round.size();

    /** @param regions region ids are 1..regions; @param nodes node indexes are 0..nodes-1 */
    RegionChurnSchedule(final long seed, final int regions, final int nodes) {
        this.random = new Random(seed);
        this.regions = regions;
        this.nodes = nodes;
    }

    Event next() {
        if (nextInRound == round.size()) {
            Collections.shuffle(round, random);
            nextInRound = 0;
        }
        final Kind kind = round.get(nextInRound++);
        final int region = 1 + random.nextInt(regions);
        return kind == Kind.HOME_MOVE ? new Event(kind, -1, random.nextInt(nodes)) : new Event(kind, region, -1);
    }
}
