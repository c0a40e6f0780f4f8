package dev.neuron4j.spark;

import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * A partition's scored rows: reads a batch of input rows into the batch buffers, runs it (padding a last,
 * partial batch), then returns each input row with the model's outputs appended. Closes the buffers when the
 * input is exhausted.
 */
final class ScoredRows implements Iterator<Row> {
    private final ScoringPlan plan;
    private final Iterator<Row> source;
    private final BatchBuffers buffers;
    private final Row[] batch;
    private int size;
    private int next;
    private long rowNumber;

    ScoredRows(ScoringPlan plan, Iterator<Row> source, BatchBuffers buffers) {
        this.plan = plan;
        this.source = source;
        this.buffers = buffers;
        this.batch = new Row[plan.batchRows];
    }

    @Override
    public boolean hasNext() {
        if (next < size) {
            return true;
        }
        if (!source.hasNext()) {
            buffers.close();
            return false;
        }
        runNextBatch();
        return true;
    }

    private void runNextBatch() {
        size = 0;
        next = 0;
        while (size < batch.length && source.hasNext()) {
            Row row = source.next();
            for (int i = 0; i < plan.inputs.size(); i++) {
                plan.inputs.get(i).write(row, rowNumber, size, buffers.input(i));
            }
            rowNumber++;
            batch[size++] = row;
        }
        if (size < batch.length) {
            buffers.padFrom(size);
        }
        buffers.execute();
    }

    @Override
    public Row next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Row in = batch[next];
        batch[next] = null;
        Object[] values = new Object[plan.inputWidth + plan.outputs.size()];
        for (int c = 0; c < plan.inputWidth; c++) {
            values[c] = in.get(c);
        }
        for (int o = 0; o < plan.outputs.size(); o++) {
            values[plan.inputWidth + o] = plan.outputs.get(o).read(buffers.output(o), next);
        }
        next++;
        return RowFactory.create(values);
    }
}
