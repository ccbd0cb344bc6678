package io.berth.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.berth.mirror.codec.ObjectStorageCodec;
import io.berth.mirror.codec.ObjectStorageCodec.CorruptValueException;
import io.berth.mirror.codec.ObjectStorageCodec.Kind;
import io.berth.mirror.source.EtcdSource;
import io.berth.mirror.source.KeyValue;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code berth get RESOURCE [NAME]}: lists objects stored in etcd as a kubectl-like table, or as JSON or YAML with
 * {@code metadata.resourceVersion} set to the key's mod revision. Values that cannot be read are reported with
 * their key, counted and skipped.
 */
@Command(
    name = "get",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpWidth = 100,
    description = "List objects stored in etcd: nodes, pods, namespaces, priorityclasses, pdb (also services, endpoints).",
    footer = {"", "Exit status: 0 ok; 1 some values could not be read (each named on stderr, the others shown) or " +
        "NAME not found; 2 no etcd answered."})
final class GetCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RESOURCE",
        description = "nodes, pods, namespaces, priorityclasses, pdb, services or endpoints (kubectl's short names work).")
    String resource;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "Only this object.")
    String name;

    @ArgGroup(exclusive = true)
    Scope scope = new Scope();

    static final class Scope
    {
        @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "Namespace (default: default).")
        String namespace;

        @Option(names = {"-A", "--all-namespaces"}, description = "Objects of every namespace.")
        boolean allNamespaces;
    }

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "wide, json or yaml (default: a table).")
    String output;

    @Mixin
    EtcdOptions etcd;

    /** The clock AGE is measured against; tests replace it. */
    static Clock clock = Clock.systemUTC();

    @Override
    public Integer call()
    {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final Kind kind = Kind.ofResource(resource);
        if (kind == null)
        {
            throw new IllegalArgumentException("unknown resource \"" + resource +
                "\": expected nodes, pods, namespaces, priorityclasses, pdb, services or endpoints");
        }
        if (output != null && !List.of("wide", "json", "yaml").contains(output))
        {
            throw new IllegalArgumentException("--output " + output + ": expected wide, json or yaml");
        }
        final String namespace = scope.namespace == null ? "default" : scope.namespace;
        if (scope.allNamespaces && name != null)
        {
            throw new IllegalArgumentException("a NAME cannot be given with --all-namespaces");
        }
        final ObjectStorageCodec codec = new ObjectStorageCodec(etcd.layout());
        final List<ObjectNode> objects = new ArrayList<>();
        int corrupt = 0;
        try (EtcdSource source = etcd.connect(err))
        {
            if (source == null)
            {
                return EtcdOptions.EXIT_NO_ETCD;
            }
            if (name != null)
            {
                final String key = kind.key(codec.layout(), namespace, name);
                final KeyValue kv = source.get(key);
                if (kv == null)
                {
                    err.println("berth: " + kind.plural() + " \"" + name + "\" not found" +
                        (kind.namespaced() ? " in namespace " + namespace : ""));
                    return BerthCommand.EXIT_INPUT_ERROR;
                }
                try
                {
                    objects.add(codec.decode(key, kv.value(), kv.modRevision()));
                }
                catch (final CorruptValueException ex)
                {
                    err.println("berth: " + ex.getMessage());
                    return BerthCommand.EXIT_INPUT_ERROR;
                }
            }
            else
            {
                final String prefix = kind.namespaced() && !scope.allNamespaces ?
                    kind.prefix(codec.layout()) + namespace + "/" : kind.prefix(codec.layout());
                final int[] bad = new int[1];
                source.list(prefix, (key, value, modRevision) ->
                {
                    final String k = new String(key, java.nio.charset.StandardCharsets.UTF_8);
                    try
                    {
                        objects.add(codec.decode(k, value, modRevision));
                    }
                    catch (final CorruptValueException ex)
                    {
                        err.println("berth: skipped " + ex.getMessage());
                        bad[0]++;
                    }
                });
                corrupt = bad[0];
            }
        }
        if ("json".equals(output) || "yaml".equals(output))
        {
            final JsonNode document = name != null ? objects.getFirst() : list(objects);
            out.print(write(document, "yaml".equals(output)));
        }
        else if (objects.isEmpty())
        {
            err.println("No resources found" + (kind.namespaced() && !scope.allNamespaces ?
                " in " + namespace + " namespace." : "."));
        }
        else
        {
            out.print(Tables.render(kind, objects, "wide".equals(output), kind.namespaced() && scope.allNamespaces,
                Instant.now(clock)));
        }
        out.flush();
        if (corrupt > 0)
        {
            err.println("berth: " + corrupt + (corrupt == 1 ? " value" : " values") + " could not be read and " +
                (corrupt == 1 ? "was" : "were") + " skipped");
        }
        err.flush();
        return corrupt == 0 ? 0 : BerthCommand.EXIT_INPUT_ERROR;
    }

    private static ObjectNode list(final List<ObjectNode> objects)
    {
        final ObjectNode list = JsonNodeFactory.instance.objectNode();
        list.put("apiVersion", "v1");
        final ArrayNode items = list.putArray("items");
        objects.forEach(items::add);
        list.put("kind", "List");
        list.putObject("metadata").put("resourceVersion", "");
        return list;
    }

    private static String write(final JsonNode document, final boolean yaml)
    {
        try
        {
            if (yaml)
            {
                final ObjectMapper mapper = new ObjectMapper(YAMLFactory.builder()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .build());
                return mapper.writeValueAsString(document);
            }
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(document) + "\n";
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalStateException("cannot write the output: " + ex.getOriginalMessage(), ex);
        }
    }

    /** kubectl's tables: which columns each resource shows, and its AGE format. */
    static final class Tables
    {
        private Tables()
        {
        }

        static String render(final Kind kind, final List<ObjectNode> objects, final boolean wide,
            final boolean withNamespace, final Instant now)
        {
            final List<String[]> rows = new ArrayList<>();
            final List<String> header = new ArrayList<>();
            if (withNamespace)
            {
                header.add("NAMESPACE");
            }
            header.addAll(columns(kind, wide));
            rows.add(header.toArray(new String[0]));
            for (final ObjectNode object : objects)
            {
                final List<String> row = new ArrayList<>();
                if (withNamespace)
                {
                    row.add(text(object.path("metadata").path("namespace"), ""));
                }
                row.addAll(cells(kind, object, wide, now));
                rows.add(row.toArray(new String[0]));
            }
            return format(rows);
        }

        private static List<String> columns(final Kind kind, final boolean wide)
        {
            return switch (kind)
            {
                case NODE -> wide ?
                    List.of("NAME", "STATUS", "ROLES", "AGE", "VERSION", "INTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION",
                        "CONTAINER-RUNTIME") :
                    List.of("NAME", "STATUS", "ROLES", "AGE", "VERSION");
                case POD -> wide ?
                    List.of("NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE") :
                    List.of("NAME", "READY", "STATUS", "RESTARTS", "AGE");
                case NAMESPACE -> List.of("NAME", "STATUS", "AGE");
                case SERVICE -> List.of("NAME", "TYPE", "CLUSTER-IP", "PORT(S)", "AGE");
                case ENDPOINTS -> List.of("NAME", "ENDPOINTS", "AGE");
                case PRIORITY_CLASS -> List.of("NAME", "VALUE", "GLOBAL-DEFAULT", "AGE");
                case POD_DISRUPTION_BUDGET ->
                    List.of("NAME", "MIN AVAILABLE", "MAX UNAVAILABLE", "ALLOWED DISRUPTIONS", "AGE");
            };
        }

        private static List<String> cells(final Kind kind, final ObjectNode o, final boolean wide, final Instant now)
        {
            final JsonNode metadata = o.path("metadata");
            final String name = text(metadata.path("name"), "");
            final String age = age(metadata.path("creationTimestamp"), now);
            final JsonNode spec = o.path("spec");
            final JsonNode status = o.path("status");
            return switch (kind)
            {
                case NODE ->
                {
                    final List<String> row = new ArrayList<>(List.of(name, nodeStatus(o), roles(metadata.path("labels")),
                        age, text(status.path("nodeInfo").path("kubeletVersion"), "")));
                    if (wide)
                    {
                        row.add(address(status.path("addresses"), "InternalIP"));
                        row.add(text(status.path("nodeInfo").path("osImage"), "<unknown>"));
                        row.add(text(status.path("nodeInfo").path("kernelVersion"), "<unknown>"));
                        row.add(text(status.path("nodeInfo").path("containerRuntimeVersion"), "<unknown>"));
                    }
                    yield row;
                }
                case POD ->
                {
                    final int containers = spec.path("containers").size();
                    int ready = 0;
                    long restarts = 0;
                    for (final JsonNode cs : status.path("containerStatuses"))
                    {
                        ready += cs.path("ready").asBoolean(false) ? 1 : 0;
                        restarts += cs.path("restartCount").asLong(0);
                    }
                    final List<String> row = new ArrayList<>(List.of(name, ready + "/" + containers,
                        metadata.hasNonNull("deletionTimestamp") ? "Terminating" :
                            text(status.path("phase"), "Pending"),
                        Long.toString(restarts), age));
                    if (wide)
                    {
                        row.add(text(status.path("podIP"), "<none>"));
                        row.add(text(spec.path("nodeName"), "<none>"));
                        row.add(text(status.path("nominatedNodeName"), "<none>"));
                    }
                    yield row;
                }
                case NAMESPACE -> List.of(name, text(status.path("phase"), "Active"), age);
                case SERVICE -> List.of(name, text(spec.path("type"), "ClusterIP"), text(spec.path("clusterIP"), "<none>"),
                    ports(spec.path("ports")), age);
                case ENDPOINTS -> List.of(name, endpoints(o.path("subsets")), age);
                case PRIORITY_CLASS -> List.of(name, o.path("value").asText("0"),
                    Boolean.toString(o.path("globalDefault").asBoolean(false)), age);
                case POD_DISRUPTION_BUDGET -> List.of(name, text(spec.path("minAvailable"), "N/A"),
                    text(spec.path("maxUnavailable"), "N/A"), status.path("disruptionsAllowed").asText("0"), age);
            };
        }

        private static String nodeStatus(final ObjectNode node)
        {
            String ready = "Unknown";
            for (final JsonNode condition : node.path("status").path("conditions"))
            {
                if ("Ready".equals(condition.path("type").asText()))
                {
                    ready = "True".equals(condition.path("status").asText()) ? "Ready" : "NotReady";
                }
            }
            return node.path("spec").path("unschedulable").asBoolean(false) ? ready + ",SchedulingDisabled" : ready;
        }

        private static String roles(final JsonNode labels)
        {
            final List<String> roles = new ArrayList<>();
            labels.properties().forEach(e ->
            {
                if (e.getKey().startsWith("node-role.kubernetes.io/"))
                {
                    roles.add(e.getKey().substring("node-role.kubernetes.io/".length()));
                }
            });
            return roles.isEmpty() ? "<none>" : String.join(",", roles);
        }

        private static String address(final JsonNode addresses, final String type)
        {
            for (final JsonNode address : addresses)
            {
                if (type.equals(address.path("type").asText()))
                {
                    return address.path("address").asText();
                }
            }
            return "<none>";
        }

        private static String ports(final JsonNode ports)
        {
            final List<String> parts = new ArrayList<>();
            for (final JsonNode port : ports)
            {
                parts.add(port.path("port").asText() + "/" + port.path("protocol").asText("TCP"));
            }
            return parts.isEmpty() ? "<none>" : String.join(",", parts);
        }

        private static String endpoints(final JsonNode subsets)
        {
            final List<String> parts = new ArrayList<>();
            for (final JsonNode subset : subsets)
            {
                for (final JsonNode address : subset.path("addresses"))
                {
                    for (final JsonNode port : subset.path("ports"))
                    {
                        parts.add(address.path("ip").asText() + ":" + port.path("port").asText());
                    }
                }
            }
            return parts.isEmpty() ? "<none>" : String.join(",", parts);
        }

        private static String text(final JsonNode node, final String absent)
        {
            return node == null || node.isMissingNode() || node.isNull() || node.asText().isEmpty() ? absent : node.asText();
        }

        /** kube's {@code duration.HumanDuration} of the time since {@code creationTimestamp}. */
        static String age(final JsonNode creationTimestamp, final Instant now)
        {
            if (!creationTimestamp.isTextual())
            {
                return "<unknown>";
            }
            final Instant created;
            try
            {
                created = Instant.parse(creationTimestamp.textValue());
            }
            catch (final DateTimeParseException ex)
            {
                return "<unknown>";
            }
            return humanDuration(Duration.between(created, now));
        }

        static String humanDuration(final Duration d)
        {
            final long seconds = d.toSeconds();
            if (seconds < -1)
            {
                return "<invalid>";
            }
            if (seconds < 0)
            {
                return "0s";
            }
            if (seconds < 60 * 2)
            {
                return seconds + "s";
            }
            final long minutes = seconds / 60;
            if (minutes < 10)
            {
                final long s = seconds % 60;
                return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
            }
            if (minutes < 60 * 3)
            {
                return minutes + "m";
            }
            final long hours = minutes / 60;
            if (hours < 8)
            {
                final long m = minutes % 60;
                return m == 0 ? hours + "h" : hours + "h" + m + "m";
            }
            if (hours < 48)
            {
                return hours + "h";
            }
            if (hours < 24 * 8)
            {
                final long h = hours % 24;
                return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
            }
            if (hours < 24 * 365 * 2)
            {
                return hours / 24 + "d";
            }
            if (hours < 24 * 365 * 8)
            {
                final long dy = hours / 24 % 365;
                return dy == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + dy + "d";
            }
            return hours / 24 / 365 + "y";
        }

        private static String format(final List<String[]> rows)
        {
            final int columns = rows.getFirst().length;
            final int[] widths = new int[columns];
            for (final String[] row : rows)
            {
                for (int c = 0; c < columns; c++)
                {
                    widths[c] = Math.max(widths[c], row[c].length());
                }
            }
            final StringBuilder sb = new StringBuilder();
            for (final String[] row : rows)
            {
                for (int c = 0; c < columns; c++)
                {
                    sb.append(row[c]);
                    if (c < columns - 1)
                    {
                        sb.append(" ".repeat(widths[c] - row[c].length() + 3));
                    }
                }
                sb.append('\n');
            }
            return sb.toString();
        }
    }
}
