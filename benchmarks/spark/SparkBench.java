import dev.neuron4j.Binding;
import dev.neuron4j.DataType;
import dev.neuron4j.ModelReplicas;
import dev.neuron4j.NeffModel;
import dev.neuron4j.Tensor;
import dev.neuron4j.spark.NeffScorer;
import dev.neuron4j.spark.NeuronExecutor;
import dev.neuron4j.spark.NeuronSparkPlugin;
import dev.neuron4j.testkit.EmulatorNeff;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Spark's overhead per row: rows/s of NeffScorer on Spark local[2] (Parquet rows in, one executor, two tasks at a
 * time) against a plain Java loop over the same rows (two threads, one per core, filling the same kind of direct
 * batch buffers from float arrays), both on the executor's two replicas of one emulated add NEFF of BATCH rows
 * per execution and EXEC_US of device time each, in one JVM, alternating, ROUNDS times each.
 * Usage: java -cp CP SparkBench.java WORK_DIR [ROWS [ROUNDS [BATCH [EXEC_US]]]]
 */
public class SparkBench {
    static final int WIDTH = 4;

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        long rows = args.length > 1 ? Long.parseLong(args[1]) : 160_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int batch = args.length > 3 ? Integer.parseInt(args[3]) : 8;
        long execUs = args.length > 4 ? Long.parseLong(args[4]) : 1000;
        Files.createDirectories(work);
        Path neff = EmulatorNeff.builder().name("add_bench.neff").input("a", DataType.FLOAT32, batch, WIDTH)
                .input("b", DataType.FLOAT32, batch, WIDTH).output("c", DataType.FLOAT32, batch, WIDTH)
                .op(EmulatorNeff.Op.ADD).execMicros(execUs).writeTo(work.resolve("add_bench.neff"));

        SparkSession spark = SparkSession.builder().master("local[2]").appName("neuron4j-spark-bench")
                .config("spark.plugins", NeuronSparkPlugin.class.getName())
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
        try {
            String parquet = work.resolve("rows.parquet").toString();
            // 8 files: Spark reads each small file as its own partition (openCostInBytes), 4 tasks per core.
            spark.range(rows).selectExpr("id",
                    "array(cast(id as float), cast(id as float) + 0.5f, -cast(id as float), 1.0f) as a",
                    "array(1.0f, 2.0f, 3.0f, cast(id as float) * 0.25f) as b")
                    .repartition(8).write().mode("overwrite").parquet(parquet);
            Dataset<Row> input = spark.read().parquet(parquet);
            Dataset<Row> scored = NeffScorer.builder(neff.toString()).build().score(input);
            int partitions = input.rdd().getNumPartitions();

            float[][] a = new float[(int) rows][];
            float[][] b = new float[(int) rows][];
            for (int id = 0; id < rows; id++) {
                float x = id;
                a[id] = new float[] {x, x + 0.5f, -x, 1.0f};
                b[id] = new float[] {1.0f, 2.0f, 3.0f, x * 0.25f};
            }

            scored.count(); // warm-up: loads the model on the executor, JIT
            ModelReplicas replicas = NeuronExecutor.get().replicas(neff);
            plainLoop(replicas, a, b, batch);

            List<Double> sparkRates = new ArrayList<>();
            List<Double> plainRates = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                long n = scored.count();
                double sparkRate = n / ((System.nanoTime() - t0) / 1e9);
                if (n != rows) {
                    throw new IllegalStateException(n + " rows scored, expected " + rows);
                }
                long t1 = System.nanoTime();
                plainLoop(replicas, a, b, batch);
                double plainRate = rows / ((System.nanoTime() - t1) / 1e9);
                sparkRates.add(sparkRate);
                plainRates.add(plainRate);
                System.out.printf(Locale.ROOT, "round %d: spark %.0f rows/s, plain %.0f rows/s%n", r + 1, sparkRate,
                        plainRate);
            }
            double ceiling = replicas.size() * batch * 1e6 / Math.max(1, execUs);
            double spark50 = median(sparkRates);
            double plain50 = median(plainRates);
            System.out.printf(Locale.ROOT, "%nrows %d, batch %d, exec_us %d, %d replicas, %d partitions, %d rounds%n",
                    rows, batch, execUs, replicas.size(), partitions, rounds);
            System.out.printf(Locale.ROOT, "device ceiling: %.0f rows/s%n", ceiling);
            System.out.printf(Locale.ROOT, "spark (median): %.0f rows/s = %.1f %% of ceiling%n", spark50,
                    100 * spark50 / ceiling);
            System.out.printf(Locale.ROOT, "plain (median): %.0f rows/s = %.1f %% of ceiling%n", plain50,
                    100 * plain50 / ceiling);
            System.out.printf(Locale.ROOT, "spark overhead per row: %.1f %% (%.2f us/row; goal <= 10 %%)%n",
                    100 * (plain50 / spark50 - 1), 1e6 / spark50 - 1e6 / plain50);
        } finally {
            spark.stop();
        }
    }

    static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** One thread per replica, each over its share of the rows: fill, execute, read each row's output. */
    static void plainLoop(ModelReplicas replicas, float[][] a, float[][] b, int batch) throws Exception {
        int threads = replicas.size();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Double>> done = new ArrayList<>();
            int share = (a.length + threads - 1) / threads;
            for (int t = 0; t < threads; t++) {
                NeffModel model = replicas.models().get(t);
                int from = t * share;
                int to = Math.min(a.length, from + share);
                done.add(pool.submit(() -> loop(model, a, b, from, to, batch)));
            }
            for (Future<Double> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    static double loop(NeffModel model, float[][] a, float[][] b, int from, int to, int batch) {
        int rowBytes = 4 * WIDTH;
        ByteBuffer ab = ByteBuffer.allocateDirect(batch * rowBytes).order(ByteOrder.nativeOrder());
        ByteBuffer bb = ByteBuffer.allocateDirect(batch * rowBytes).order(ByteOrder.nativeOrder());
        ByteBuffer cb = ByteBuffer.allocateDirect(batch * rowBytes).order(ByteOrder.nativeOrder());
        double sink = 0;
        try (Tensor at = model.wrapTensor("a", ab); Tensor bt = model.wrapTensor("b", bb);
                Tensor ct = model.wrapTensor("c", cb);
                Binding binding = model.bind().input("a", at).input("b", bt).output("c", ct).build()) {
            for (int start = from; start < to; start += batch) {
                int n = Math.min(batch, to - start);
                for (int r = 0; r < n; r++) {
                    for (int k = 0; k < WIDTH; k++) {
                        ab.putFloat(r * rowBytes + 4 * k, a[start + r][k]);
                        bb.putFloat(r * rowBytes + 4 * k, b[start + r][k]);
                    }
                }
                for (int p = n * rowBytes; p < batch * rowBytes; p++) {
                    ab.put(p, (byte) 0);
                    bb.put(p, (byte) 0);
                }
                binding.execute();
                for (int r = 0; r < n; r++) {
                    float[] c = new float[WIDTH];
                    cb.slice(r * rowBytes, rowBytes).order(ByteOrder.nativeOrder()).asFloatBuffer().get(c);
                    sink += c[0];
                }
            }
        }
        return sink;
    }
}
