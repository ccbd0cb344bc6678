package io.berth.mirror;

import io.berth.mirror.source.EmbeddedStore;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.PriorityClass;
import io.berth.sched.model.ResourceList;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.berth.mirror.MirrorTest.LAYOUT;
import static io.berth.mirror.MirrorTest.WRITER;
import static io.berth.mirror.MirrorTest.catchUp;
import static org.assertj.core.api.Assertions.assertThat;

/** What MirrorTables tells its change listener for each kind of change (what the scheduler's queue acts on). */
class TableChangeListenerTest
{
    private final List<String> heard = new ArrayList<>();

    private final TableChangeListener recorder = new TableChangeListener()
    {
        @Override
        public void onPendingPod(final PodObject pod)
        {
            heard.add("pending " + pod.key());
        }

        @Override
        public void onPendingPodGone(final String podKey)
        {
            heard.add("pending gone " + podKey);
        }

        @Override
        public void onAssignedPodGone(final String podKey)
        {
            heard.add("assigned gone " + podKey);
        }

        @Override
        public void onNode(final String nodeName, final boolean added)
        {
            heard.add((added ? "node added " : "node changed ") + nodeName);
        }

        @Override
        public void onPriorityClassesChanged()
        {
            heard.add("priority classes");
        }
    };

    private List<String> after(final Mirror mirror, final EmbeddedStore store)
    {
        catchUp(mirror, store.currentRevision());
        final List<String> out = List.copyOf(heard);
        heard.clear();
        return out;
    }

    @Test
    void reportsEachTransitionOnceAndNothingWhenAnAssumedPodIsConfirmedOnItsNode()
    {
        final NodeObject node = NodeObject.builder("n1").allocatable(ResourceList.ofMilli("cpu", 4000)).build();
        final PodObject web = PodObject.builder("default", "web").build();
        try (EmbeddedStore store = new EmbeddedStore();
            Mirror mirror = new Mirror(new MirrorContext().source(store).ringSizeEvents(64).decoderThreads(1)
                .corruptValueListener((key, revision, error) -> { })))
        {
            mirror.tables().changeListener(recorder);
            mirror.start();
            assertThat(after(mirror, store)).isEmpty();

            store.put(LAYOUT.node("n1"), WRITER.node(node));
            assertThat(after(mirror, store)).containsExactly("node added n1");
            store.put(LAYOUT.node("n1"), WRITER.node(node.toBuilder().labels(Map.of("zone", "a")).build()));
            assertThat(after(mirror, store)).containsExactly("node changed n1");

            store.put(LAYOUT.pod("default", "web"), WRITER.pod(web));
            assertThat(after(mirror, store)).containsExactly("pending default/web");
            store.put(LAYOUT.pod("default", "web"), WRITER.pod(web.toBuilder().labels(Map.of("v", "2")).build()));
            assertThat(after(mirror, store)).containsExactly("pending default/web");

            // the scheduler assumes it on n1, then the watch brings it bound there: accounted once, no event
            mirror.tables().engine().addBoundPod(web.withNodeName("n1"));
            store.put(LAYOUT.pod("default", "web"), WRITER.pod(web.withNodeName("n1")));
            assertThat(after(mirror, store)).containsExactly("pending gone default/web");
            assertThat(mirror.tables().engine().pods().count()).isEqualTo(1);

            store.put(LAYOUT.pod("default", "web"), WRITER.pod(web.toBuilder().nodeName("n2").build()));
            assertThat(after(mirror, store)).containsExactly("assigned gone default/web");
            store.delete(LAYOUT.pod("default", "web"));
            assertThat(after(mirror, store)).containsExactly("assigned gone default/web");
            assertThat(mirror.tables().engine().pods().count()).isZero();

            store.put(LAYOUT.pod("default", "db"), WRITER.pod(PodObject.builder("default", "db").build()));
            store.put(LAYOUT.pod("default", "db"), "{\"kind\":".getBytes(StandardCharsets.UTF_8));
            assertThat(after(mirror, store)).containsExactly("pending default/db", "pending gone default/db");

            store.put(LAYOUT.priorityClass("high"), WRITER.priorityClass(new PriorityClass("high", 1000, false, "")));
            assertThat(after(mirror, store)).containsExactly("priority classes");
        }
    }
}
