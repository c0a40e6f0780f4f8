package dev.neuron4j.torch;

import dev.neuron4j.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.pytorch.Tensor;

/** The output tensors of one forward call, read by {@link TorchScriptResult}; closing releases them. */
abstract class Outputs implements AutoCloseable {
    abstract Tensor tensor(int i);

    abstract int size();

    DataType dataType(int i) {
        return TorchNatives.dataType(tensor(i).scalar_type().intern());
    }

    String torchType(int i) {
        return tensor(i).scalar_type().intern().toString();
    }

    long[] shape(int i) {
        Tensor t = tensor(i);
        long[] shape = new long[(int) t.dim()];
        for (int d = 0; d < shape.length; d++) {
            shape[d] = t.size(d);
        }
        return shape;
    }

    long byteSize(int i) {
        return tensor(i).nbytes();
    }

    /** {@return a new view of the tensor's memory (native order, position 0), valid until {@link #close()}} */
    ByteBuffer view(int i) {
        Tensor t = tensor(i);
        long bytes = t.nbytes();
        if (bytes == 0) {
            return ByteBuffer.allocateDirect(0).order(ByteOrder.nativeOrder());
        }
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("output " + i + " has " + bytes
                    + " bytes, more than a ByteBuffer can view");
        }
        return t.data_ptr().capacity(bytes).asByteBuffer(); // asByteBuffer sets native order
    }

    /** {@return the address of the tensor's data} */
    long address(int i) {
        return tensor(i).data_ptr().address();
    }

    /** Releases the tensors; called once. */
    @Override
    public abstract void close();
}
