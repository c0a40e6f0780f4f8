package dev.neuron4j.djl;

import ai.djl.Device;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;

/** A predictor that reports wrong inputs as a {@link TranslateException} with the block's message. */
final class Neuron4jPredictor<I, O> extends Predictor<I, O> {
    private final Neuron4jSymbolBlock neuronBlock;

    Neuron4jPredictor(Neuron4jModel model, Translator<I, O> translator, Device device, Neuron4jSymbolBlock block) {
        super(model, translator, device, false);
        this.neuronBlock = block;
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
