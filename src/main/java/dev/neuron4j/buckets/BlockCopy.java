package dev.neuron4j.buckets;

import java.nio.ByteBuffer;

/**
 * Copies the leading block of one row-major array into another of the same rank: the elements whose index
 * is below {@code region} in every dimension. Padding an input (a small array into a larger one) and slicing
 * an output (a large one into a smaller) are both this copy.
 */
final class BlockCopy {
    private BlockCopy() {}

    /**
     * Copies the block; bytes of {@code dst} outside it are left as they are. Absolute indexing: positions
     * and limits are neither read nor changed.
     *
     * @param region per dimension, at most both shapes' size
     */
    static void copy(ByteBuffer src, long[] srcShape, ByteBuffer dst, long[] dstShape, long[] region,
            int elementSize) {
        copy(src, 0, srcShape, dst, 0, dstShape, region, elementSize);
    }

    /**
     * Copies the block from {@code srcOffset} in one array to {@code dstOffset} in the other: for rows of a batch
     * (an offset of whole rows, the shapes those of the arrays the rows are in).
     *
     * @param region per dimension, at most both shapes' size, and in dimension 0 at most the rows left after
     *     the offsets
     */
    static void copy(ByteBuffer src, long srcOffset, long[] srcShape, ByteBuffer dst, long dstOffset,
            long[] dstShape, long[] region, int elementSize) {
        int rank = region.length;
        for (long r : region) {
            if (r == 0) {
                return;
            }
        }
        // Inner dimensions whole in both arrays (and dimension d below the region) are one contiguous run.
        long inner = elementSize;
        int d = rank - 1;
        while (d >= 0 && srcShape[d] == region[d] && dstShape[d] == region[d]) {
            inner *= region[d];
            d--;
        }
        if (d < 0) {
            dst.put((int) dstOffset, src, (int) srcOffset, (int) inner);
            return;
        }
        int runBytes = (int) (inner * region[d]);
        // Odometer over dimensions 0..d-1, each step one run; strides in bytes.
        long[] index = new long[d];
        long[] srcStrides = new long[d];
        long[] dstStrides = new long[d];
        long s = inner * srcShape[d];
        long t = inner * dstShape[d];
        for (int i = d - 1; i >= 0; i--) {
            srcStrides[i] = s;
            dstStrides[i] = t;
            s *= srcShape[i];
            t *= dstShape[i];
        }
        for (;;) {
            dst.put((int) dstOffset, src, (int) srcOffset, runBytes);
            int i = d - 1;
            for (; i >= 0; i--) {
                index[i]++;
                srcOffset += srcStrides[i];
                dstOffset += dstStrides[i];
                if (index[i] < region[i]) {
                    break;
                }
                index[i] = 0;
                srcOffset -= srcStrides[i] * region[i];
                dstOffset -= dstStrides[i] * region[i];
            }
            if (i < 0) {
                return;
            }
        }
    }

    /**
     * {@return how many leading bytes of an array of shape {@code full} the block {@code block} is, when it is
     * contiguous there (whole in the dimensions after the innermost one where it is shorter, a single index in
     * those before it: {@code [3, 4]} of {@code [8, 4]}, {@code [1, 9]} of {@code [2, 16]}), else -1}
     */
    static long prefixBytes(long[] block, long[] full, int elementSize) {
        long bytes = elementSize;
        for (long dim : block) {
            bytes *= dim;
        }
        int shorter = block.length - 1;
        while (shorter >= 0 && block[shorter] == full[shorter]) {
            shorter--;
        }
        for (int d = 0; d < shorter; d++) {
            if (block[d] != 1 && bytes != 0) {
                return -1;
            }
        }
        return bytes;
    }
}
