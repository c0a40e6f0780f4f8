package dev.neuron4j.buckets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The block copy against an element-by-element reference, for every rank up to 4 and random shapes. */
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
        }
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
