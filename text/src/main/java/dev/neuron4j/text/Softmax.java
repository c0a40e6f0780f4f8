package dev.neuron4j.text;

/** The softmax of logits, in double precision and shifted by the maximum (no overflow). */
final class Softmax {
    private Softmax() {}

    /** {@return the probabilities of the logits} */
    static double[] of(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }
}
