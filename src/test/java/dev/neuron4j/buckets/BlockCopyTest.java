package dev.neuron4j.buckets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The block copy (and its contiguity test) against an element-by-element reference, ranks 0 to 4, random shapes. */
class BlockCopyTest {
    @Test
    void copiesTheLeadingBlockAndLeavesTheRestAlone() {
        SplittableRandom random = new SplittableRandom(1);
        for (int trial = 0; trial < 2000; trial++) {
            int rank = random.nextInt(5);
            int elementSize = new int[] {1, 4, 8}[random.nextInt(3)];
            long[] src = new long[rank];
            long[] dst = new long[rank];
            long[] region = new long[rank];
            for (int d = 0; d < rank; d++) {
                src[d] = 1 + random.nextInt(5);
                dst[d] = random.nextBoolean() ? src[d] : 1 + random.nextInt(5);
                region[d] = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt((int) Math.min(src[d], dst[d]));
                if (random.nextBoolean()) {
                    region[d] = Math.min(src[d], dst[d]);
                }
            }
            byte[] source = new byte[(int) count(src) * elementSize];
            random.nextBytes(source);
            byte[] target = new byte[(int) count(dst) * elementSize];
            random.nextBytes(target);
            byte[] expected = target.clone();
            reference(source, src, expected, dst, region, elementSize);
            ByteBuffer out = ByteBuffer.allocateDirect(target.length).put(target).clear();
            BlockCopy.copy(ByteBuffer.wrap(source), src, out, dst, region, elementSize);
            byte[] actual = new byte[target.length];
            out.get(0, actual);
            assertArrayEquals(expected, actual, "trial " + trial);
            // Where the block is contiguous in the source, it is the source's first bytes.
            long prefix = BlockCopy.prefixBytes(region, src, elementSize);
            if (prefix >= 0) {
                byte[] block = new byte[(int) count(region) * elementSize];
                reference(source, src, block, region, region, elementSize);
                assertArrayEquals(Arrays.copyOf(source, (int) prefix), block, "prefix, trial " + trial);
            }
        }
    }

    @Test
    void aBlockIsAPrefixWhenItIsContiguousFromTheStart() {
        assertEquals(3 * 4 * 8, BlockCopy.prefixBytes(new long[] {3, 4}, new long[] {8, 4}, 8)); // rows
        assertEquals(9 * 4, BlockCopy.prefixBytes(new long[] {1, 9}, new long[] {1, 16}, 4));
        assertEquals(9 * 4, BlockCopy.prefixBytes(new long[] {1, 9}, new long[] {2, 16}, 4)); // part of row 0
        assertEquals(3 * 4 * 4, BlockCopy.prefixBytes(new long[] {1, 3, 4}, new long[] {2, 8, 4}, 4));
        assertEquals(-1, BlockCopy.prefixBytes(new long[] {2, 9}, new long[] {2, 16}, 4)); // two part rows
        assertEquals(-1, BlockCopy.prefixBytes(new long[] {2, 8, 3}, new long[] {2, 8, 4}, 4));
        assertEquals(0, BlockCopy.prefixBytes(new long[] {0, 9}, new long[] {2, 16}, 4)); // empty
        assertEquals(2 * 16 * 4, BlockCopy.prefixBytes(new long[] {2, 16}, new long[] {2, 16}, 4)); // whole
        assertEquals(8, BlockCopy.prefixBytes(new long[0], new long[0], 8)); // a scalar
    }

    private static long count(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** Visits every index below the region, converting it to offsets in both arrays. */
    private static void reference(byte[] src, long[] srcShape, byte[] dst, long[] dstShape, long[] region,
            int elementSize) {
        long total = count(region);
        for (long flat = 0; flat < total; flat++) {
            long rest = flat;
            long srcIndex = 0;
            long dstIndex = 0;
            long srcStride = 1;
            long dstStride = 1;
            for (int d = region.length - 1; d >= 0; d--) {
                long i = rest % region[d];
                rest /= region[d];
                srcIndex += i * srcStride;
                dstIndex += i * dstStride;
                srcStride *= srcShape[d];
                dstStride *= dstShape[d];
            }
            System.arraycopy(src, (int) srcIndex * elementSize, dst, (int) dstIndex * elementSize, elementSize);
        }
    }
}
