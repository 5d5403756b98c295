package io.derpring.internal.ring;

import static io.derpring.runtime.InvalidConfigException.requireInRange;
import static io.derpring.runtime.InvalidConfigException.requirePowerOfTwo;

import java.util.concurrent.ThreadFactory;

import io.derpring.engine.RingFullPolicy;
import io.derpring.engine.StageThreading;
import io.derpring.engine.WaitStrategyChoice;
import io.derpring.internal.frame.FrameLimits;
import io.derpring.runtime.InvalidConfigException;

/**
 * Sizes and policies of the inbound ring. Memory is bounded: {@code ringSize × slotCapacity} bytes of slab plus
 * {@code spillBuffers × MAX_PACKET_LENGTH} bytes of spill, all allocated once at construction.
 *
 * <p>Defaults: 1024 slots of 2 KiB (2 MiB; a WireGuard packet over DERP is at most ~1.3 KiB at the usual MTU),
 * 8 spill buffers of 64 KiB for rare large packets, backpressure, fused stages, blocking wait (no CPU when idle).
 */
public final class InboundRingConfig {
    /** The largest packet a DERP frame carries (inclusive): derp.go MaxPacketSize, defined once in the frame package. */
    public static final int MAX_PACKET_LENGTH = FrameLimits.MAX_PACKET_SIZE;
    public static final int MIN_RING_SIZE = 2;
    public static final int MAX_RING_SIZE = 1 << 20;
    /** Below this a slot can't hold even a disco CallMeMaybe with a few endpoints. */
    public static final int MIN_SLOT_CAPACITY = 256;
    /** Largest slab of slots: one direct {@code ByteBuffer}, so at most {@code Integer.MAX_VALUE} bytes. */
    public static final long MAX_SLAB_BYTES = Integer.MAX_VALUE;
    public static final int MAX_SPILL_BUFFERS = 1024;

    public static final int DEFAULT_RING_SIZE = 1024;
    public static final int DEFAULT_SLOT_CAPACITY = 2048;
    public static final int DEFAULT_SPILL_BUFFERS = 8;

    final int ringSize;
    final int slotCapacity;
    final int spillBuffers;
    final RingFullPolicy fullPolicy;
    final StageThreading threading;
    final WaitStrategyChoice waitStrategy;
    final boolean singleProducer;
    /** Null: the ring's own named daemon threads. */
    final ThreadFactory stageThreads;

    private InboundRingConfig(final Builder b) {
        this.ringSize = requirePowerOfTwo("ring size", b.ringSize, MIN_RING_SIZE, MAX_RING_SIZE);
        this.slotCapacity = requireInRange("slot capacity (bytes)", b.slotCapacity, MIN_SLOT_CAPACITY,
            MAX_PACKET_LENGTH);
        this.spillBuffers = requireInRange("spill buffers", b.spillBuffers, 0, MAX_SPILL_BUFFERS);
        // The slots are one direct ByteBuffer, which cannot exceed Integer.MAX_VALUE bytes.
        if ((long) ringSize * slotCapacity > MAX_SLAB_BYTES) {
            throw new InvalidConfigException("ring size x slot capacity = " + ringSize + " x " + slotCapacity + " = "
                + (long) ringSize * slotCapacity + " bytes must be <= " + MAX_SLAB_BYTES
                + " (the slots are one direct buffer)");
        }
        this.fullPolicy = java.util.Objects.requireNonNull(b.fullPolicy, "ring-full policy");
        this.threading = java.util.Objects.requireNonNull(b.threading, "stage threading");
        this.waitStrategy = java.util.Objects.requireNonNull(b.waitStrategy, "wait strategy");
        this.singleProducer = b.singleProducer;
        this.stageThreads = b.stageThreads;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this config's values, to change one of them. */
    public Builder toBuilder() {
        return new Builder().ringSize(ringSize).slotCapacity(slotCapacity).spillBuffers(spillBuffers)
            .fullPolicy(fullPolicy).threading(threading).waitStrategy(waitStrategy).singleProducer(singleProducer)
            .stageThreadFactory(stageThreads);
    }

    public static InboundRingConfig defaults() {
        return builder().build();
    }

    public int ringSize() {
        return ringSize;
    }

    public int slotCapacity() {
        return slotCapacity;
    }

    public int spillBuffers() {
        return spillBuffers;
    }

    public RingFullPolicy fullPolicy() {
        return fullPolicy;
    }

    public StageThreading threading() {
        return threading;
    }

    public WaitStrategyChoice waitStrategy() {
        return waitStrategy;
    }

    /** True when only one thread ever offers: the ring claims slots without a CAS. */
    public boolean singleProducer() {
        return singleProducer;
    }

    /** Where the stage threads come from, or null for the ring's own named daemon threads. */
    public ThreadFactory stageThreadFactory() {
        return stageThreads;
    }

    /** Off-heap bytes the ring allocates up front. */
    public long memoryBytes() {
        return (long) ringSize * slotCapacity + (long) spillBuffers * MAX_PACKET_LENGTH;
    }

    @Override
    public String toString() {
        return "InboundRingConfig{ringSize=" + ringSize + ", slotCapacity=" + slotCapacity + ", spillBuffers="
            + spillBuffers + ", fullPolicy=" + fullPolicy + ", threading=" + threading + ", waitStrategy="
            + waitStrategy + ", singleProducer=" + singleProducer + ", stageThreads=" + (stageThreads == null ? "own"
            : "supplied") + ", memoryBytes=" + memoryBytes() + '}';
    }

    /** Validation happens in {@link #build()}: a bad value fails fast with the setting's name and range. */
    public static final class Builder {
        private int ringSize = DEFAULT_RING_SIZE;
        private int slotCapacity = DEFAULT_SLOT_CAPACITY;
        private int spillBuffers = DEFAULT_SPILL_BUFFERS;
        private RingFullPolicy fullPolicy = RingFullPolicy.BACKPRESSURE;
        private StageThreading threading = StageThreading.FUSED;
        private WaitStrategyChoice waitStrategy = WaitStrategyChoice.BLOCKING;
        private boolean singleProducer;
        private ThreadFactory stageThreads;

        public Builder ringSize(final int slots) {
            this.ringSize = slots;
            return this;
        }

        public Builder slotCapacity(final int bytes) {
            this.slotCapacity = bytes;
            return this;
        }

        public Builder spillBuffers(final int count) {
            this.spillBuffers = count;
            return this;
        }

        public Builder fullPolicy(final RingFullPolicy policy) {
            this.fullPolicy = policy;
            return this;
        }

        public Builder threading(final StageThreading threading) {
            this.threading = threading;
            return this;
        }

        public Builder waitStrategy(final WaitStrategyChoice waitStrategy) {
            this.waitStrategy = waitStrategy;
            return this;
        }

        /**
         * Use the Disruptor's single-producer sequencer: no CAS per claim. Only when exactly one thread ever calls
         * {@link InboundRing#offer} — e.g. an engine whose connections all live on one I/O thread. Two offering
         * threads on a single-producer ring would corrupt it; the default (false) is safe for any number.
         */
        public Builder singleProducer(final boolean singleProducer) {
            this.singleProducer = singleProducer;
            return this;
        }

        /**
         * Makes the stage threads: one for {@link StageThreading#FUSED}, three for {@link StageThreading#CHAINED}.
         * This is how the stage thread is pinned: the transport, which owns the affinity code, supplies a factory
         * that binds each thread to a core when it starts (as it does for its I/O loops); the engine stays free of
         * affinity libraries. The factory should make daemon threads. Null (the default) uses the ring's own
         * named daemon threads.
         */
        public Builder stageThreadFactory(final ThreadFactory factory) {
            this.stageThreads = factory;
            return this;
        }

        public InboundRingConfig build() {
            return new InboundRingConfig(this);
        }
    }
}
