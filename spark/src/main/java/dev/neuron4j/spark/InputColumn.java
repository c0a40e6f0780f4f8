package dev.neuron4j.spark;

import dev.neuron4j.DataType;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Row;

/**
 * One model input fed from one column: each row's value is written, without an intermediate array, into the
 * row's slice of the batch buffer ({@code batchRow * rowBytes}). An array column holds {@code rowElements}
 * numbers; a binary column holds {@code rowBytes} raw bytes in the tensor's (little-endian) layout.
 */
final class InputColumn implements Serializable {
    private static final long serialVersionUID = 1L;

    final String tensor;
    final String column;
    final int columnIndex;
    final DataType type;
    final boolean binary;
    final int rowElements;
    final int rowBytes;

    InputColumn(String tensor, String column, int columnIndex, DataType type, boolean binary, int rowBytes) {
        this.tensor = tensor;
        this.column = column;
        this.columnIndex = columnIndex;
        this.type = type;
        this.binary = binary;
        this.rowBytes = rowBytes;
        this.rowElements = type.byteSize() == 0 ? 0 : rowBytes / type.byteSize();
    }

    /**
     * Writes {@code row}'s value into slot {@code batchRow} of {@code buffer} (native order, absolute puts).
     *
     * @param rowNumber the row's number in its partition, for messages
     * @throws IllegalArgumentException for a null, or a value of the wrong length
     */
    void write(Row row, long rowNumber, int batchRow, ByteBuffer buffer) {
        int offset = batchRow * rowBytes;
        Object value = row.isNullAt(columnIndex) ? null : row.get(columnIndex);
        if (value == null) {
            throw bad(rowNumber, "is null");
        }
        if (binary) {
            byte[] bytes = (byte[]) value;
            if (bytes.length != rowBytes) {
                throw bad(rowNumber, "holds " + bytes.length + " bytes");
            }
            buffer.put(offset, bytes);
            return;
        }
        List<Object> values = row.getList(columnIndex);
        if (values.size() != rowElements) {
            throw bad(rowNumber, "holds " + values.size() + " elements");
        }
        for (int k = 0; k < rowElements; k++) {
            Object v = values.get(k);
            if (v == null) {
                throw bad(rowNumber, "holds a null at element " + k);
            }
            Number n = (Number) v;
            switch (type) {
                case FLOAT32: buffer.putFloat(offset + 4 * k, n.floatValue()); break;
                case INT16: buffer.putShort(offset + 2 * k, n.shortValue()); break;
                case INT32: buffer.putInt(offset + 4 * k, n.intValue()); break;
                case INT64: buffer.putLong(offset + 8 * k, n.longValue()); break;
                default: throw new IllegalStateException("No array layout for " + type); // refused on the driver
            }
        }
    }

    private IllegalArgumentException bad(long rowNumber, String what) {
        TaskContext task = TaskContext.get();
        String where = task == null ? "" : " of partition " + task.partitionId();
        return new IllegalArgumentException("Column '" + column + "' " + what + " in row " + rowNumber + where
                + ": the model's input '" + tensor + "' takes " + (binary ? rowBytes + " bytes"
                : rowElements + " " + type.neffName() + " elements") + " per row");
    }
}
