package dev.neuron4j.spark;

import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/** Which Spark array element type holds a tensor element type; raw bytes (binary) hold any. */
final class ElementTypes {
    private ElementTypes() {}

    /** {@return the Spark element type of an array column for this tensor type, or null if only binary fits} */
    static DataType sparkElement(dev.neuron4j.DataType type) {
        switch (type) {
            case FLOAT32: return DataTypes.FloatType;
            case INT16: return DataTypes.ShortType;
            case INT32: return DataTypes.IntegerType;
            case INT64: return DataTypes.LongType;
            default: return null; // float16, bfloat16, fp8, unsigned and 8-bit types: raw bytes
        }
    }

    /** {@return the column type outputs of this tensor type are appended as: an array, or binary} */
    static DataType outputColumn(dev.neuron4j.DataType type) {
        DataType element = sparkElement(type);
        return element == null ? DataTypes.BinaryType : new ArrayType(element, false);
    }

    /** {@return what an input column of this tensor type may be, for messages} */
    static String accepted(dev.neuron4j.DataType type) {
        DataType element = sparkElement(type);
        return element == null ? "binary (raw " + type.neffName() + " bytes)"
                : "array<" + element.simpleString() + "> or binary (raw bytes)";
    }
}
