package dev.neuron4j.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three shapes of a served path: a .neff file, a model folder, a repository of model folders. */
class ModelRepositoryTest {
    @Test
    void aNeffFileIsOneModelNamedAfterTheFile(@TempDir Path dir) throws IOException {
        Path neff = Files.write(dir.resolve("add.neff"), new byte[1]);
        List<ModelRepository.Entry> entries = ModelRepository.find(neff);
        assertEquals(1, entries.size());
        assertEquals(neff, entries.get(0).file());
        assertEquals("add", entries.get(0).config().name());
    }

    @Test
    void aModelFolderIsOneModelWithItsConfig(@TempDir Path dir) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("bert"));
        Path neff = Files.write(folder.resolve("model.neff"), new byte[1]);
        Files.writeString(folder.resolve("config.json"), "{\"queue_size\": 7}");
        ModelRepository.Entry entry = ModelRepository.find(folder).get(0);
        assertEquals(neff, entry.file());
        assertEquals("bert", entry.config().name());
        assertEquals(7, entry.config().queueSize());
    }

    @Test
    void aRepositoryHasOneModelPerSubFolderSortedByName(@TempDir Path dir) throws IOException {
        for (String name : new String[] {"b", "a"}) {
            Files.write(Files.createDirectories(dir.resolve(name)).resolve(name + ".neff"), new byte[1]);
        }
        List<ModelRepository.Entry> entries = ModelRepository.find(dir);
        assertEquals(List.of("a", "b"), entries.stream().map(e -> e.config().name()).toList());
        assertEquals(dir.resolve("b").resolve("b.neff"), entries.get(1).file());
    }

    @Test
    void aTorchScriptFileOrFolderIsOneModel(@TempDir Path dir) throws IOException {
        Path pt = Files.write(dir.resolve("pair.pt"), new byte[1]);
        ModelRepository.Entry file = ModelRepository.find(pt).get(0);
        assertEquals(pt, file.file());
        assertEquals("pair", file.config().name());
        assertTrue(file.torchScript());
        Path folder = Files.createDirectories(dir.resolve("bert"));
        Path bucket = Files.write(folder.resolve("model_b8_s16.pt"), new byte[1]);
        ModelRepository.Entry inFolder = ModelRepository.find(folder).get(0);
        assertEquals(bucket, inFolder.file());
        assertEquals("bert", inFolder.config().name());
        assertTrue(inFolder.torchScript());
        IOException e = assertThrows(IOException.class, () -> NeffServedModel.loadFolder(null, folder,
                InferenceListener.NONE));
        assertTrue(e.getMessage().contains("holds a TorchScript file, model_b8_s16.pt"), e.getMessage());
    }

    @Test
    void whatIsNotAModelIsRefusedWithWhatWasExpected(@TempDir Path dir) throws IOException {
        assertMessage(dir, "holds no model: expected a .neff or TorchScript (.pt) file in it, or sub-folders");
        assertMessage(dir.resolve("missing"), "does not exist (expected a .neff or TorchScript (.pt) file or a "
                + "model folder)");
        assertMessage(Files.write(dir.resolve("notes.txt"), new byte[1]), "is not a model file");
        Path two = Files.createDirectories(dir.resolve("repo").resolve("two"));
        Files.write(two.resolve("x.neff"), new byte[1]);
        Files.write(two.resolve("y.pt"), new byte[1]);
        assertMessage(dir.resolve("repo"), "must hold one model file (.neff or .pt), it holds 2: x.neff, y.pt ("
                + "several bucket files are one model only in a text-classifier folder, with its tokenizer.json: "
                + "docs/text.md)");
        Files.createDirectories(dir.resolve("empty-model"));
        IOException e = assertThrows(IOException.class, () -> ModelRepository.modelFolder(dir.resolve("empty-model")));
        assertTrue(e.getMessage().endsWith("must hold one model file (.neff or .pt), it holds 0"), e.getMessage());
    }

    private static void assertMessage(Path path, String expected) {
        IOException e = assertThrows(IOException.class, () -> ModelRepository.find(path));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
    }
}
