package dev.neuron4j;

/** Main class for child JVMs: {@code open} opens the runtime with defaults
 * and prints what happened; {@code specs <neff>} prints a model's specs; {@code hold <first> <count>} holds
 * those cores until its standard input closes. */
public final class RuntimeProbe {
    private RuntimeProbe() {}

    public static void main(String[] args) throws Exception {
        if (args[0].equals("specs")) {
            try (NeuronRuntime runtime = NeuronRuntime.open();
                    NeffModel model = runtime.load(java.nio.file.Path.of(args[1]), Placement.auto())) {
                System.out.println("version=" + runtime.version());
                System.out.println("legacy=" + runtime.version().usesLegacyDtypes());
                for (TensorSpec s : model.inputs()) {
                    System.out.println("spec." + s.name() + "=" + s);
                }
                for (TensorSpec s : model.outputs()) {
                    System.out.println("spec." + s.name() + "=" + s);
                }
            }
        }
        if (args[0].equals("hold")) {
            // Holds cores <first>..<first+count-1> until standard input closes.
            RuntimeOptions options = RuntimeOptions.builder().visibleCores(Integer.parseInt(args[1]),
                    Integer.parseInt(args[2])).build();
            try (NeuronRuntime runtime = NeuronRuntime.open(options)) {
                System.out.println("holding=" + runtime.visibleCores());
                System.out.flush();
                while (System.in.read() >= 0) {
                    // wait for EOF
                }
            }
            System.out.println("released=true");
        }
        if (args[0].equals("open")) {
            try (NeuronRuntime runtime = NeuronRuntime.open()) {
                System.out.println("emulated=" + runtime.isEmulated());
            } catch (RuntimeException e) {
                System.out.println("exception=" + e.getClass().getName());
                System.out.println("message=" + e.getMessage().replace('\n', ' '));
            }
        }
    }
}
