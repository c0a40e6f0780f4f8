package dev.neuron4j.torch;

import dev.neuron4j.TensorSpec;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Per-input constants of a model's declared inputs (shape, tensor options), created once and shared by all calls. */
final class InputTemplate implements AutoCloseable {
    final long[] shape;
    final TensorOptions options;

    InputTemplate(TensorSpec spec) {
        ScalarType type = TorchNatives.scalarType(spec.dataType());
        this.shape = spec.shape();
        try (PointerScope scope = new PointerScope()) { // not a caller's scope: this lives with the model
            TensorOptions created = new TensorOptions(type);
            scope.detach(created.retainReference());
            this.options = created;
        }
    }

    @Override
    public void close() {
        options.releaseReference();
    }
}
