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
        int offset = batchRow * rowBytes;
        switch (ElementTypes.sparkElement(type) == null ? DataType.UNKNOWN : type) {
            case FLOAT32: {
                float[] v = new float[rowBytes / 4];
                buffer.slice(offset, rowBytes).order(buffer.order()).asFloatBuffer().get(v);
                return v;
            }
            case INT16: {
                short[] v = new short[rowBytes / 2];
                buffer.slice(offset, rowBytes).order(buffer.order()).asShortBuffer().get(v);
                return v;
            }
            case INT32: {
                int[] v = new int[rowBytes / 4];
                buffer.slice(offset, rowBytes).order(buffer.order()).asIntBuffer().get(v);
                return v;
            }
            case INT64: {
                long[] v = new long[rowBytes / 8];
                buffer.slice(offset, rowBytes).order(buffer.order()).asLongBuffer().get(v);
                return v;
            }
            default: {
                byte[] v = new byte[rowBytes];
                buffer.get(offset, v);
                return v;
            }
        }
    }
}
