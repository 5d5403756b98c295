package io.derpring.internal.relay;

/**
 * One client's bounded FIFO of frame handles (SPEC §3.1: 32 deep, one for data and one for disco). A ring over two
 * arrays, allocated on the first offer so an idle connection costs nothing. Single-threaded: the owning shard.
 */
final class PacketQueue {
    private final int capacity;
    private Object[] frames;
    private int[] lengths;
    private int head;
    private int size;
    private int polledLength;

    PacketQueue(final int capacity) {
        this.capacity = capacity;
    }

    /** False when full. */
    boolean offer(final Object frame, final int length) {
        if (size == capacity) {
            return false;
        }
        if (frames == null) {
            frames = new Object[capacity];
            lengths = new int[capacity];
        }
        final int tail = (head + size) % capacity;
        frames[tail] = frame;
        lengths[tail] = length;
        size++;
        return true;
    }

    /** The oldest frame, or null; its length is then {@link #polledLength()}. */
    Object poll() {
        if (size == 0) {
            return null;
        }
        final Object frame = frames[head];
        polledLength = lengths[head];
        frames[head] = null;
        head = head + 1 == capacity ? 0 : head + 1;
        size--;
        return frame;
    }

    int polledLength() {
        return polledLength;
    }

    int size() {
        return size;
    }

    boolean isFull() {
        return size == capacity;
    }

    boolean isEmpty() {
        return size == 0;
    }

    int capacity() {
        return capacity;
    }
}
