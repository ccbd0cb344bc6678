package io.berth.mirror;

import io.berth.mirror.source.EtcdServer;
import io.berth.mirror.source.EtcdSource;
import io.berth.mirror.source.KeyLayout;
import io.berth.sched.model.NodeObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.berth.mirror.MirrorTest.catchUp;
import static org.assertj.core.api.Assertions.assertThat;

/** The mirror against a real etcd: restarts under a live watch, compaction while the mirror is down, warm starts. */
class MirrorEtcdTest
{
    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer();

    @TempDir
    Path dir;

    private static EtcdSource source()
    {
        return new EtcdSource(new EtcdSource.Context().endpoint(ETCD.endpoint())
            .watchRetryMaxBackoffNs(TimeUnit.MILLISECONDS.toNanos(500)));
    }

    @Test
    void staysInStepAcrossEtcdRestartsAndRelistsAfterCompactionWithoutStaleObjects()
    {
        final KeyLayout layout = new KeyLayout("/mirror-etcd-a");
        final Path file = dir.resolve("mirror.cm");
        final List<Throwable> errors = new ArrayList<>();
        try (EtcdSource source = source())
        {
            final MirrorTest.Workload workload = new MirrorTest.Workload(source, 31, layout);
            workload.run(150);
            final MirrorContext context = new MirrorContext().source(source).layout(layout).checkpointFile(file)
                .checkpointMaxEntries(20_000).checkpointAverageValueBytes(1024).ringSizeEvents(128).decoderThreads(2)
                .errorHandler(errors::add);
            try (Mirror mirror = new Mirror(context).start())
            {
                catchUp(mirror, source.currentRevision());
                new FreshList(source, layout).assertSameAs(mirror.tables());

                workload.run(100);
                ETCD.restart();
                workload.run(100);
                ETCD.kill();
                ETCD.start();
                workload.run(50);
                catchUp(mirror, source.currentRevision());
                new FreshList(source, layout).assertSameAs(mirror.tables());
                for (int i = 0; i < 3; i++)
                {
                    source.put(layout.node("doomed-" + i), MirrorTest.WRITER.node(NodeObject.builder("doomed-" + i).build()));
                }
                catchUp(mirror, source.currentRevision());
                assertThat(mirror.tables().engine().table().slotOf("doomed-1")).isNotNegative();
            }

            for (int i = 0; i < 3; i++)
            {
                source.delete(layout.node("doomed-" + i));
            }
            workload.run(100);
            source.compact(source.currentRevision());
            try (Mirror mirror = new Mirror(new MirrorContext().source(source).layout(layout).checkpointFile(file)
                .ringSizeEvents(128).decoderThreads(2).errorHandler(errors::add)).start())
            {
                assertThat(mirror.warmStart()).isTrue();
                catchUp(mirror, source.currentRevision());
                assertThat(mirror.relists()).isEqualTo(1);
                assertThat(mirror.tables().engine().table().slotOf("doomed-1")).isNegative();
                new FreshList(source, layout).assertSameAs(mirror.tables());
            }

            workload.run(30);
            try (Mirror mirror = new Mirror(new MirrorContext().source(source).layout(layout).checkpointFile(file)
                .ringSizeEvents(128).decoderThreads(2).errorHandler(errors::add)).start())
            {
                assertThat(mirror.warmStart()).isTrue();
                catchUp(mirror, source.currentRevision());
                assertThat(mirror.relists()).isZero();
                new FreshList(source, layout).assertSameAs(mirror.tables());
            }
        }
        // watch errors during the restarts are the source's to retry; the mirror reports only what ended a watch
        assertThat(errors).allSatisfy(e -> assertThat(e.getMessage()).contains("watch of /mirror-etcd-a/"));
    }
}
