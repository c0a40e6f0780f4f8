package dev.neuron4j.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Builds emulator NEFFs in memory (format: native/emu/README.md): a 1024-byte header followed by a plain
 * ustar archive holding kelf-0.json, sg00/def.json, sg00/tensor_map.json and emu.json. All tensors are
 * float32.
 */
public final class EmuNeff {
    private final Map<String, int[]> inputs = new LinkedHashMap<>();
    private final Map<String, int[]> outputs = new LinkedHashMap<>();
    private final String op;

    private EmuNeff(String op) {
        this.op = op;
    }

    /** Starts a NEFF whose single subgraph runs {@code op} (identity, add, mul, relu, matmul, noop). */
    public static EmuNeff op(String op) {
        return new EmuNeff(op);
    }

    /** Adds a float32 input of the given shape. */
    public EmuNeff input(String name, int... shape) {
        inputs.put(name, shape);
        return this;
    }

    /** Adds a float32 output of the given shape. */
    public EmuNeff output(String name, int... shape) {
        outputs.put(name, shape);
        return this;
    }

    /** The complete NEFF file. */
    public byte[] build() {
        Map<String, int[]> all = new LinkedHashMap<>(inputs);
        all.putAll(outputs);
        String def = all.entrySet().stream()
                .map(e -> quote(e.getKey()) + ":{\"type\":" + quote(kind(e.getKey())) + ",\"size\":"
                        + 4L * elements(e.getValue()) + "}")
                .collect(Collectors.joining(",", "{\"var\":{", "}}"));
        String tensorMap = all.entrySet().stream()
                .map(e -> quote(e.getKey()) + ":{\"kind\":" + quote(kind(e.getKey()))
                        + ",\"dtype\":\"float32\",\"tf_shape\":" + shapeJson(e.getValue()) + ",\"is_const\":false}")
                .collect(Collectors.joining(",", "{", "}"));
        String emu = "{\"op\":" + quote(op) + ",\"inputs\":" + names(List.copyOf(inputs.keySet()))
                + ",\"outputs\":" + names(List.copyOf(outputs.keySet())) + ",\"exec_us\":0}";

        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        tarEntry(tar, "kelf-0.json", "{\"graphs\":[{\"definition\":\"sg00/def.json\",\"name\":\"sg00\"}]}");
        tarEntry(tar, "sg00/def.json", def);
        tarEntry(tar, "sg00/tensor_map.json", tensorMap);
        tarEntry(tar, "emu.json", emu);
        tar.writeBytes(new byte[1024]); // end-of-archive marker: two zero blocks
        byte[] data = tar.toByteArray();

        ByteBuffer header = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        header.putLong(0, 1);          // pkg_version: 1 = plain tar
        header.putLong(8, 1024);       // header_size
        header.putLong(16, data.length); // data_size
        header.putLong(24, 2);         // neff_version_major
        header.putLong(32, 0);         // neff_version_minor
        header.putInt(168, 1);         // num_tpb
        byte[] name = ("emu-" + op).getBytes(StandardCharsets.US_ASCII);
        header.put(220, name);         // name (NUL-terminated: the rest is zero)
        header.putInt(552, 1);         // lnc_size

        byte[] neff = new byte[1024 + data.length];
        System.arraycopy(header.array(), 0, neff, 0, 1024);
        System.arraycopy(data, 0, neff, 1024, data.length);
        return neff;
    }

    private String kind(String name) {
        return inputs.containsKey(name) ? "input" : "output";
    }

    private static long elements(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    private static String shapeJson(int[] shape) {
        return java.util.Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining(",", "[", "]"));
    }

    private static String names(List<String> names) {
        return names.stream().map(EmuNeff::quote).collect(Collectors.joining(",", "[", "]"));
    }

    private static String quote(String s) {
        return '"' + s + '"';
    }

    /** Appends one regular-file member (ustar header, then the data padded to 512 bytes). */
    private static void tarEntry(ByteArrayOutputStream tar, String path, String content) {
        byte[] data = content.getBytes(StandardCharsets.UTF_8);
        byte[] h = new byte[512];
        put(h, 0, path);
        put(h, 100, "0000644");
        put(h, 108, "0000000");
        put(h, 116, "0000000");
        put(h, 124, String.format("%011o", data.length));
        put(h, 136, String.format("%011o", 0));
        java.util.Arrays.fill(h, 148, 156, (byte) ' ');
        h[156] = '0';
        put(h, 257, "ustar");
        put(h, 263, "00");
        int sum = 0;
        for (byte b : h) {
            sum += b & 0xFF;
        }
        put(h, 148, String.format("%06o", sum));
        h[154] = 0;
        h[155] = ' ';
        tar.writeBytes(h);
        tar.writeBytes(data);
        tar.writeBytes(new byte[(512 - data.length % 512) % 512]);
    }

    private static void put(byte[] block, int offset, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, block, offset, b.length);
    }
}
