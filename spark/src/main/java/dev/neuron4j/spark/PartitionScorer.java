package dev.neuron4j.spark;

import java.nio.file.Path;
import java.util.Iterator;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.util.TaskCompletionListener;

/**
 * The function each task runs: scores its partition on the executor's replicas of the model, in batches, and
 * frees the task's batch buffers when the task ends (also when it fails or stops early).
 */
final class PartitionScorer implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    private final ScoringPlan plan;

    PartitionScorer(ScoringPlan plan) {
        this.plan = plan;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        BatchBuffers buffers = new BatchBuffers(plan, NeuronExecutor.get().replicas(Path.of(plan.neff)));
        TaskContext task = TaskContext.get();
        if (task != null) {
            task.addTaskCompletionListener((TaskCompletionListener) context -> buffers.close());
        }
        return new ScoredRows(plan, rows, buffers);
    }
}
