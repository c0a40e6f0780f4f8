package dev.neuron4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ownership tree of {@link NativeResource}: adoption, close order, forgetting, reports; no native code. */
class ChildrenTest {
    /** What was freed, in order (JUnit makes a new instance, so a new tree, per test). */
    private final List<String> log = new ArrayList<>();
    private final Root root = new Root(log);

    /** Records its free (and what the parent's close reported) into a shared log. */
    private abstract static class Recorded extends NativeResource {
        final List<String> log;
        List<String> reported;
        RuntimeException failure;

        Recorded(String kind, String name, NativeResource parent, Children children, List<String> log) {
            super(kind, name, parent, children);
            this.log = log;
        }

        @Override
        protected void closing(List<String> open) {
            reported = open;
        }

        @Override
        protected void free() {
            log.add(name());
            if (failure != null) {
                throw failure;
            }
        }
    }

    /** A root that closes its Models, then its Tensors. */
    private static final class Root extends Recorded {
        Root(List<String> log) {
            super("Root", "root", null, Children.closedInOrder(Model.class, Tensor.class), log);
        }
    }

    /** Adopts Bindings, which are objects of their own. */
    private static final class Model extends Recorded {
        Model(String name, NativeResource parent, List<String> log) {
            super("Model", name, parent, Children.closedInOrder(Binding.class), log);
        }
    }

    /** Adopts Tensors as parts of itself. */
    private static final class Binding extends Recorded {
        Binding(String name, NativeResource parent, List<String> log) {
            super("Binding", name, parent, Children.parts(Tensor.class), log);
        }
    }

    private static final class Tensor extends Recorded {
        /** Sees, when freed, whether its sibling had been quiesced already. */
        NativeResource sibling;
        Boolean siblingClosedAtFree;

        Tensor(String name, NativeResource parent, List<String> log) {
            super("Tensor", name, parent, Children.NONE, log);
        }

        @Override
        protected void free() {
            if (sibling != null) {
                siblingClosedAtFree = sibling.isClosed();
            }
            super.free();
        }
    }

    @Test
    void aCloseClosesTheChildrenKindByKindInTheDeclaredOrderThenFreesItself() {
        // Created tensor first, model second: the declared order (models, then tensors) wins.
        new Tensor("t1", root, log);
        Model m = new Model("m", root, log);
        new Binding("b", m, log);
        new Tensor("t2", root, log);

        assertTrue(root.close());
        assertEquals(5, log.size(), log::toString);
        assertEquals(List.of("b", "m"), log.subList(0, 2), "a model closes its binding before it frees itself");
        assertEquals(List.of("t1", "t2"), log.subList(2, 4).stream().sorted().toList());
        assertEquals("root", log.get(4));
        assertFalse(root.close(), "idempotent");
        assertEquals(5, log.size());
    }

    @Test
    void everyChildIsQuiescedBeforeTheFirstOneIsFreed() {
        Tensor a = new Tensor("a", root, log);
        Tensor b = new Tensor("b", root, log);
        a.sibling = b;
        b.sibling = a;
        root.close();
        assertEquals(Boolean.TRUE, a.siblingClosedAtFree);
        assertEquals(Boolean.TRUE, b.siblingClosedAtFree);
    }

    @Test
    void aChildClosedOnItsOwnIsForgottenAndNotFreedAgain() {
        Tensor t = new Tensor("t", root, log);
        Tensor kept = new Tensor("kept", root, log);
        assertTrue(t.close());
        root.close();
        assertEquals(List.of("t", "kept", "root"), log);
        assertEquals(List.of("tensor 'kept'"), root.reported);
        assertTrue(kept.isClosed());
    }

    @Test
    void theReportNamesWhatIsOpenBelowButNotParts() {
        Model m = new Model("m", root, log);
        Binding b = new Binding("b", m, log);
        new Tensor("part", b, log);
        new Tensor("loose", root, log);
        root.close();
        assertEquals(List.of("model 'm'", "binding 'b'", "tensor 'loose'"), root.reported);
        assertEquals(List.of("binding 'b'"), m.reported, "each close reports what it found open below it");
        assertEquals(List.of(), b.reported, "parts are not named, even by their parent");
        assertEquals(5, log.size(), "the part was freed all the same: " + log);
        assertTrue(log.indexOf("part") < log.indexOf("b"), "a part is freed before its parent: " + log);
    }

    @Test
    void aPinnedChildRefusesAUserCloseButNotItsParents() {
        Tensor t = new Tensor("t", root, log);
        t.pin();
        assertThrows(IllegalStateException.class, t::close);
        root.close();
        assertEquals(List.of("t", "root"), log);
        assertEquals("Tensor 't' is closed", assertThrows(IllegalStateException.class, t::acquire).getMessage());
    }

    @Test
    void aChildThatFailsToCloseStopsNeitherItsSiblingsNorItsParent() {
        Model m = new Model("m", root, log);
        m.failure = new IllegalStateException("unload failed");
        new Tensor("t", root, log);
        IllegalStateException e = assertThrows(IllegalStateException.class, root::close);
        assertSame(m.failure, e);
        assertEquals(List.of("m", "t", "root"), log);
        assertTrue(root.isClosed());
        assertFalse(root.close());
    }

    @Test
    void aParentAdoptsOnlyTheKindsItDeclares() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Binding("b", root, log));
        assertTrue(e.getMessage().contains("root 'root' does not adopt a Binding"), e.getMessage());
        IllegalArgumentException leaf = assertThrows(IllegalArgumentException.class,
                () -> new Tensor("t", new Tensor("leaf", root, log), log));
        assertTrue(leaf.getMessage().contains("tensor 'leaf' does not adopt"), leaf.getMessage());
        root.close();
        assertEquals(List.of("leaf", "root"), log, "a refused child never joined");
    }
}
