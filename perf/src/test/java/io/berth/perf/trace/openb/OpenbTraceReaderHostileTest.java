package io.berth.perf.trace.openb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import io.berth.perf.trace.Trace;
import io.berth.perf.trace.TraceError;
import io.berth.perf.trace.TraceEvent;
import io.berth.sched.model.GpuSharing;
import io.berth.sched.model.NodeObject;

/**
 * Hostile trace lines among good ones: random text, and good lines with one field replaced by a hostile token, a
 * column added or one dropped. Reading never throws, every non-blank line is exactly one node (or pod) or one error
 * naming its file and line, and every good line is read as if the others were not there.
 */
class OpenbTraceReaderHostileTest
{
    private static final String NODE_HEADER = "sn,cpu_milli,memory_mib,gpu,model";
    private static final String POD_HEADER =
        "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time";
    /** No 'g': random text never spells a good line's name. */
    private static final String CHARS = ",,,,\"' 0123456789-+.eExX_|/\\\tabcAZ\u00a0\u0000\u202e\uFEFF\u00e9";
    private static final String[] TOKENS = {"", " ", "-1", "0", "2", "8", "1000", "1e9", "NaN", "0x10", "99999999999999999999",
        "9223372036854775807", "-9223372036854775808", "\"5\"", "5.5", "\u221e", "\u0000", "V100|", "|", "a b",
        "1".repeat(400), "\uFEFF7"};

    @Property(tries = 300)
    void everyLineIsOneNodeOrOnePodOrOneErrorAndGoodLinesSurvive(@ForAll final long seed)
    {
        final Random random = new Random(seed);
        final List<String> nodeLines = new ArrayList<>();
        final List<String> goodNodes = new ArrayList<>();
        final List<Long> goodNodeCpu = new ArrayList<>();
        final int nodes = 1 + random.nextInt(12);
        for (int i = 0; i < nodes; i++)
        {
            final long cpu = 1_000L * (1 + random.nextInt(96));
            final String[] fields = {"good-" + i, Long.toString(cpu), Long.toString(1024L * (1 + random.nextInt(512))),
                i == 0 ? "2" : Integer.toString(random.nextInt(9)), i == 0 ? "T4" : random.nextBoolean() ? "" : "A10"};
            if (i == 0 || random.nextInt(3) > 0)
            {
                nodeLines.add(String.join(",", fields));
                goodNodes.add(fields[0]);
                goodNodeCpu.add(cpu);
            }
            else
            {
                nodeLines.add(hostile(fields, "bad-node-" + i, random));
            }
            addNoise(nodeLines, random);
        }
        final List<String> podLines = new ArrayList<>();
        final Set<String> goodPods = new HashSet<>();
        final int pods = random.nextInt(20);
        for (int i = 0; i < pods; i++)
        {
            final long created = random.nextInt(1_000);
            final boolean gpu = random.nextBoolean();
            final String[] fields = {"good-" + i, Integer.toString(random.nextInt(8_000)),
                Integer.toString(random.nextInt(8_000)), gpu ? "1" : "0", gpu ? Integer.toString(1 + random.nextInt(1000)) : "0",
                gpu && random.nextBoolean() ? "T4" : "", "LS", "Running", Long.toString(created),
                random.nextBoolean() ? "" : Long.toString(created + 10 + random.nextInt(100)), Long.toString(created + random.nextInt(10))};
            if (random.nextInt(3) > 0)
            {
                podLines.add(String.join(",", fields));
                goodPods.add(fields[0]);
            }
            else
            {
                podLines.add(hostile(fields, "bad-pod-" + i, random));
            }
            addNoise(podLines, random);
        }

        final Trace t = new OpenbTraceReader().readStrings("hostile",
            NODE_HEADER + "\n" + String.join("\n", nodeLines) + "\n", POD_HEADER + "\n" + String.join("\n", podLines));

        final List<TraceError> nodeErrors = errors(t, "nodes.csv");
        final List<TraceError> podErrors = errors(t, "pods.csv");
        assertThat(nodeErrors.size() + podErrors.size()).isEqualTo(t.errors().size());
        assertThat(t.nodes().size() + nodeErrors.size()).as("one outcome per node line").isEqualTo(nonBlank(nodeLines));
        assertThat(t.events().size() + podErrors.size()).as("one outcome per pod line").isEqualTo(nonBlank(podLines));
        assertLinesNamed(nodeErrors, nodeLines);
        assertLinesNamed(podErrors, podLines);

        final List<String> readGood = new ArrayList<>();
        final List<Long> readGoodCpu = new ArrayList<>();
        for (final NodeObject n : t.nodes())
        {
            if (n.name().startsWith("good-"))
            {
                readGood.add(n.name());
                readGoodCpu.add(n.allocatable().milliValue("cpu"));
            }
        }
        assertThat(readGood).as("every good node, in file order").isEqualTo(goodNodes);
        assertThat(readGoodCpu).isEqualTo(goodNodeCpu);
        assertThat(GpuSharing.nodeModel(t.nodes().getFirst())).isEqualTo("T4");
        final Set<String> readPods = new HashSet<>();
        for (final TraceEvent e : t.events())
        {
            assertThat(e.kind()).isEqualTo(TraceEvent.Kind.POD_CREATE);
            assertThat(e.runMs() >= 0 || e.runMs() == TraceEvent.RUNS_FOREVER).as("run time of %s", e).isTrue();
            if (e.pod().name().startsWith("good-"))
            {
                readPods.add(e.pod().name());
            }
        }
        assertThat(readPods).as("every good pod").isEqualTo(goodPods);
        for (int i = 1; i < t.events().size(); i++)
        {
            assertThat(t.events().get(i).timeMs()).isGreaterThanOrEqualTo(t.events().get(i - 1).timeMs());
        }
    }

    /** A good line made bad, or not: one field replaced by a token, a column added or dropped; named as given. */
    private static String hostile(final String[] good, final String name, final Random random)
    {
        final List<String> fields = new ArrayList<>(List.of(good));
        fields.set(0, name);
        switch (random.nextInt(4))
        {
            case 0 -> fields.add(TOKENS[random.nextInt(TOKENS.length)]);
            case 1 -> fields.remove(1 + random.nextInt(fields.size() - 1));
            default -> fields.set(random.nextInt(fields.size()), TOKENS[random.nextInt(TOKENS.length)]);
        }
        return String.join(",", fields);
    }

    /** Now and then a line of random text, or a blank one. */
    private static void addNoise(final List<String> lines, final Random random)
    {
        if (random.nextInt(3) == 0)
        {
            final StringBuilder sb = new StringBuilder();
            for (int i = random.nextInt(random.nextInt(10) == 0 ? 2_000 : 60); i > 0; i--)
            {
                sb.append(CHARS.charAt(random.nextInt(CHARS.length())));
            }
            lines.add(sb.toString());
        }
        if (random.nextInt(8) == 0)
        {
            lines.add(random.nextBoolean() ? "" : " \t ");
        }
    }

    private static int nonBlank(final List<String> lines)
    {
        int n = 0;
        for (final String line : lines)
        {
            n += line.isBlank() ? 0 : 1;
        }
        return n;
    }

    /** Each error names a distinct line that is not blank (line 1 is the header). */
    private static void assertLinesNamed(final List<TraceError> errors, final List<String> lines)
    {
        final Set<Long> seen = new HashSet<>();
        for (final TraceError e : errors)
        {
            assertThat(e.line()).isBetween(2L, (long)lines.size() + 1);
            assertThat(lines.get((int)e.line() - 2)).as("error %s", e).isNotBlank();
            assertThat(seen.add(e.line())).as("one error per line: %s", e).isTrue();
            assertThat(e.message()).isNotBlank();
        }
    }

    private static List<TraceError> errors(final Trace t, final String source)
    {
        final List<TraceError> out = new ArrayList<>();
        for (final TraceError e : t.errors())
        {
            if (e.source().equals(source))
            {
                out.add(e);
            }
        }
        return out;
    }
}
