package dev.neuron4j.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.neuron4j.DataType;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The one mapping between neuron4j's element types and the v2 datatypes. */
class V2DatatypeTest {
    @Test
    void everyV2DatatypeMapsToItsElementTypeAndBack() {
        for (V2Datatype t : V2Datatype.values()) {
            assertEquals(Optional.of(t), V2Datatype.of(t.dataType()), t.name());
            assertEquals(Optional.of(t), V2Datatype.parse(t.name()), t.name());
            assertEquals(t.dataType().byteSize(), t.byteSize(), t.name());
        }
        assertEquals(DataType.FLOAT32, V2Datatype.FP32.dataType());
        assertEquals(DataType.FLOAT16, V2Datatype.FP16.dataType());
        assertEquals(DataType.BFLOAT16, V2Datatype.BF16.dataType());
    }

    @Test
    void typesOneSideLacksMapToNothing() {
        // v2 types no NeuronCore tensor has, and a lower-case spelling
        for (String name : new String[] {"BOOL", "FP64", "BYTES", "fp32", ""}) {
            assertEquals(Optional.empty(), V2Datatype.parse(name), name);
        }
        // element types the protocol has no name for
        Set<DataType> unnamed = EnumSet.of(DataType.UNKNOWN, DataType.FP32R, DataType.FP8_E3, DataType.FP8_E4,
                DataType.FP8_E5);
        for (DataType d : DataType.values()) {
            assertEquals(unnamed.contains(d), V2Datatype.of(d).isEmpty(), d.name());
        }
        assertTrue(V2Datatype.values().length + unnamed.size() == DataType.values().length);
    }
}
