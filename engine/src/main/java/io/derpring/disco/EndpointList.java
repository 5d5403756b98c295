package io.derpring.disco;

import io.derpring.internal.disco.CallMeMaybeFilter;
import io.derpring.internal.disco.EndpointFlyweight;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import org.agrona.DirectBuffer;

/**
 * A fixed-capacity list of IP:port endpoints held in primitive arrays, filled and reused without allocation
 * (e.g. by {@link CallMeMaybeFilter}). IPv4 is a network-order {@code int}; IPv6 is two network-order
 * {@code long}s. Not thread-safe: one owner, cleared and refilled per message.
 */
public final class EndpointList {
    private final boolean[] ipv6;
    private final int[] ipv4;
    private final long[] high;
    private final long[] low;
    private final int[] port;
    private int size;

    /** An empty list that holds at most {@code capacity} endpoints. */
    public EndpointList(final int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be >= 0, got " + capacity);
        }
        ipv6 = new boolean[capacity];
        ipv4 = new int[capacity];
        high = new long[capacity];
        low = new long[capacity];
        port = new int[capacity];
    }

    /** A list sized for one filtered CallMeMaybe ({@link CallMeMaybeFilter#MAX_INBOUND_CALLMEMAYBE_ENDPOINTS}). */
    public static EndpointList forCallMeMaybe() {
        return new EndpointList(CallMeMaybeFilter.MAX_INBOUND_CALLMEMAYBE_ENDPOINTS);
    }

    public int capacity() {
        return port.length;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public void clear() {
        size = 0;
    }

    /** Appends an IPv4 endpoint; false (and nothing changes) when full. */
    public boolean addIpv4(final int address, final int portNumber) {
        EndpointFlyweight.checkPort(portNumber);
        if (size == port.length) {
            return false;
        }
        ipv6[size] = false;
        ipv4[size] = address;
        high[size] = 0L;
        low[size] = 0xFFFF_0000_0000L | (address & 0xFFFF_FFFFL);
        port[size++] = portNumber;
        return true;
    }

    /** Appends an IPv6 endpoint given as network-order halves; false when full. */
    public boolean addIpv6(final long addressHigh, final long addressLow, final int portNumber) {
        EndpointFlyweight.checkPort(portNumber);
        if (size == port.length) {
            return false;
        }
        ipv6[size] = true;
        ipv4[size] = 0;
        high[size] = addressHigh;
        low[size] = addressLow;
        port[size++] = portNumber;
        return true;
    }

    /** Appends the 18-byte wire endpoint at {@code endpointOffset}, unmapping v4-mapped IPv4; false when full. */
    public boolean addFrom(final DirectBuffer buffer, final int endpointOffset) {
        final int p = EndpointFlyweight.port(buffer, endpointOffset);
        return EndpointFlyweight.isIpv4(buffer, endpointOffset)
            ? addIpv4(EndpointFlyweight.ipv4AsInt(buffer, endpointOffset), p)
            : addIpv6(EndpointFlyweight.ipv6High(buffer, endpointOffset),
                EndpointFlyweight.ipv6Low(buffer, endpointOffset), p);
    }

    public boolean isIpv4(final int index) {
        return !ipv6[checkIndex(index)];
    }

    /** Network-order IPv4 address; 0 for an IPv6 entry. */
    public int ipv4AsInt(final int index) {
        return ipv4[checkIndex(index)];
    }

    /** High 8 bytes of the 16-byte form (0 for IPv4, whose 16-byte form is v4-mapped). */
    public long ipv6High(final int index) {
        return high[checkIndex(index)];
    }

    /** Low 8 bytes of the 16-byte form ({@code 0000ffff a.b.c.d} for IPv4). */
    public long ipv6Low(final int index) {
        return low[checkIndex(index)];
    }

    public int port(final int index) {
        return port[checkIndex(index)];
    }

    /** Copies the 16-byte form (v4-mapped for IPv4) into {@code dst[0..16)}. */
    public void copyIpv6(final int index, final byte[] dst) {
        checkIndex(index);
        putLong(dst, 0, high[index]);
        putLong(dst, 8, low[index]);
    }

    /**
     * Allocating view for tests and non-hot-path sinks. Built from literal bytes with
     * {@link InetAddress#getByAddress(byte[])}: never a name lookup.
     */
    public InetSocketAddress toSocketAddress(final int index) {
        checkIndex(index);
        final byte[] raw;
        if (ipv6[index]) {
            raw = new byte[16];
            copyIpv6(index, raw);
        } else {
            raw = new byte[4];
            final int a = ipv4[index];
            raw[0] = (byte) (a >>> 24);
            raw[1] = (byte) (a >>> 16);
            raw[2] = (byte) (a >>> 8);
            raw[3] = (byte) a;
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(raw), port[index]);
        } catch (final UnknownHostException impossible) {
            throw new IllegalStateException("a 4- or 16-byte address is always valid", impossible);
        }
    }

    /** All entries as socket addresses (allocating; see {@link #toSocketAddress(int)}). */
    public List<InetSocketAddress> toSocketAddresses() {
        final List<InetSocketAddress> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(toSocketAddress(i));
        }
        return out;
    }

    @Override
    public String toString() {
        return toSocketAddresses().toString();
    }

    private int checkIndex(final int index) {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("endpoint index " + index + " outside 0.." + (size - 1));
        }
        return index;
    }

    private static void putLong(final byte[] dst, final int at, final long v) {
        for (int i = 0; i < 8; i++) {
            dst[at + i] = (byte) (v >>> (56 - 8 * i));
        }
    }
}
