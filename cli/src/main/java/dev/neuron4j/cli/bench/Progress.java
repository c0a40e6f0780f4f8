package dev.neuron4j.cli.bench;

import java.io.PrintWriter;

/**
 * Benchmark progress on stderr. On a terminal (the launcher says so, {@value #TTY_PROPERTY}): one bar redrawn in
 * place. Otherwise (CI logs, tests): one line when each configuration starts, nothing more.
 */
final class Progress implements Benchmark.Listener {
    /** System property set by {@code ./neuron4j} when stderr is a terminal. */
    static final String TTY_PROPERTY = "neuron4j.cli.stderrTty";
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final boolean tty;
    private String label = "";
    private long lastDraw;

    Progress(PrintWriter err) {
        this(err, Boolean.getBoolean(TTY_PROPERTY));
    }

    Progress(PrintWriter err, boolean tty) {
        this.err = err;
        this.tty = tty;
    }

    /** A configuration starts. */
    void start(String label, String plan) {
        this.label = label;
        if (!tty) {
            err.println("bench: " + label + ": " + plan);
            err.flush();
        }
    }

    @Override
    public void tick(boolean warmingUp, double fraction, double rate) {
        if (!tty) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDraw < 200_000_000L && fraction < 1.0) {
            return;
        }
        lastDraw = now;
        int filled = (int) Math.round(fraction * WIDTH);
        String bar = "#".repeat(filled) + "-".repeat(WIDTH - filled);
        String status = warmingUp ? "warming up" : String.format("%3.0f%%  %,.0f inf/s", fraction * 100, rate);
        err.print("\r\u001b[2K" + label + "  [" + bar + "]  " + status);
        err.flush();
    }

    /** A configuration ended: clears the bar. */
    void done() {
        if (tty) {
            err.print("\r\u001b[2K");
            err.flush();
        }
    }
}
