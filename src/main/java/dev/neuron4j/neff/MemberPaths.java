package dev.neuron4j.neff;

import java.nio.charset.StandardCharsets;

/** Archive member paths: normalization, refusal of suspect paths, and which members the reader keeps. */
final class MemberPaths {
    private MemberPaths() {}

    /**
     * Strips leading {@code "./"}; refuses absolute paths, {@code ".."} components and over-long paths. Nothing
     * is ever written to disk, but archives holding such paths are suspect.
     */
    static String normalize(String path, String source) throws NeffFormatException {
        if (path.getBytes(StandardCharsets.UTF_8).length > NeffLimits.MAX_TAR_PATH_BYTES) {
            throw new NeffFormatException(source + ": archive member path of more than "
                    + NeffLimits.MAX_TAR_PATH_BYTES + " bytes");
        }
        String p = path;
        while (p.startsWith("./")) {
            p = p.substring(2);
        }
        if (p.startsWith("/")) {
            throw new NeffFormatException(source + ": archive member '" + p + "' has an absolute path");
        }
        for (String component : p.split("/", -1)) {
            if (component.equals("..")) {
                throw new NeffFormatException(source + ": archive member '" + p + "' has a '..' component");
            }
        }
        return p;
    }

    /** The members the model description is built from. */
    static boolean isWanted(String path) {
        String base = path.substring(path.lastIndexOf('/') + 1);
        return path.equals("kelf-0.json") || path.equals("info.json") || path.equals("emu.json")
                || base.equals("def.json") || base.equals("tensor_map.json");
    }

    /** {@return the tensor_map.json path beside a def.json path} */
    static String tensorMapBeside(String defPath) {
        return defPath.substring(0, defPath.lastIndexOf('/') + 1) + "tensor_map.json";
    }
}
