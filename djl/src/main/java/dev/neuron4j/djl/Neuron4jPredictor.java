package dev.neuron4j.djl;

import ai.djl.Device;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.translate.StackBatchifier;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import java.util.List;

/**
 * A predictor that reports wrong inputs as a {@link TranslateException} with the block's message, and refuses
 * DJL's default batchifier ({@code Batchifier.STACK}) with one that says what to do instead: stacking needs
 * NDArray operators, which the engine lacks unless an alternative engine lends them.
 */
final class Neuron4jPredictor<I, O> extends Predictor<I, O> {
    private final Neuron4jSymbolBlock neuronBlock;
    private final boolean canStack;

    Neuron4jPredictor(Neuron4jModel model, Translator<I, O> translator, Device device, Neuron4jSymbolBlock block) {
        super(model, translator, device, false);
        this.neuronBlock = block;
        this.canStack = model.getNDManager().getEngine().getAlternativeEngine() != null;
    }

    /** {@inheritDoc} {@link #predict} comes here too, with a batch of one. */
    @Override
    public List<O> batchPredict(List<I> inputs) throws TranslateException {
        if (!canStack && translator.getBatchifier() instanceof StackBatchifier) {
            throw new TranslateException("Translator " + translator.getClass().getName() + " keeps DJL's default "
                    + "batchifier (Batchifier.STACK), which stacks the inputs with NDArray operators: the "
                    + Neuron4jEngine.ENGINE_NAME + " engine runs whole NEFF models and has none (and no full DJL "
                    + "engine, e.g. PyTorch, is on the class path to lend them). Return null from the translator's "
                    + "getBatchifier(): each input then runs on its own (batchPredict runs them one after another). "
                    + "To run several inputs in one call, use a NEFF compiled for that batch and give it the whole "
                    + "batch as one input.");
        }
        return super.batchPredict(inputs);
    }

    @Override
    protected NDList predictInternal(TranslatorContext ctx, NDList ndList) throws TranslateException {
        String problem = neuronBlock.checkInputs(ndList);
        if (problem != null) {
            throw new TranslateException(problem);
        }
        return super.predictInternal(ctx, ndList);
    }
}
