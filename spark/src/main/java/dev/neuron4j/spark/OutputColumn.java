package dev.neuron4j.spark;

import dev.neuron4j.DataType;
import java.io.Serializable;
import java.nio.ByteBuffer;

/**
 * One model output appended as one column: each row's slice of the batch buffer becomes an array of numbers
 * (float32, int16, int32, int64) or, for other element types, the raw bytes.
 */
final class OutputColumn implements Serializable {
    private static final long serialVersionUID = 1L;

    final String tensor;
    final String column;
    final DataType type;
    final int rowBytes;

    OutputColumn(String tensor, String column, DataType type, int rowBytes) {
        this.tensor = tensor;
        this.column = column;
        this.type = type;
        this.rowBytes = rowBytes;
    }

    /** {@return slot {@code batchRow} of {@code buffer} as the column's value (a primitive array)} */
    Object read(ByteBuffer buffer, int batchRow) {
        ByteBuffer row = buffer.slice(batchRow * rowBytes, rowBytes).order(buffer.order());
        switch (ElementTypes.sparkElement(type) == null ? DataType.UNKNOWN : type) {
            case FLOAT32: float[] f = new float[rowBytes / 4]; row.asFloatBuffer().get(f); return f;
            case INT16: short[] s = new short[rowBytes / 2]; row.asShortBuffer().get(s); return s;
            case INT32: int[] i = new int[rowBytes / 4]; row.asIntBuffer().get(i); return i;
            case INT64: long[] l = new long[rowBytes / 8]; row.asLongBuffer().get(l); return l;
            default: byte[] b = new byte[rowBytes]; row.get(b); return b;
        }
    }
}
