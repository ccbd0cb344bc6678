package io.berth.sched.plugins.nodeports;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.berth.sched.framework.Kernels;
import io.berth.sched.framework.PodRequests;
import io.berth.sched.framework.PodTable;
import io.berth.sched.framework.Profile;
import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.model.Container;
import io.berth.sched.model.ContainerPort;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.ResourceList;
import io.berth.sched.plugins.PluginRegistry;
import io.berth.sched.table.NodeTable;

/**
 * kube's NodePorts: the cases of {@code TestNodePorts} (node_ports_test.go), restartable init containers
 * (kubernetes#132040), used ports following assume/remove through the engine, and vector == scalar == a direct
 * model of kube's {@code HostPortInfo} on random clusters.
 */
class NodePortsTest
{
    private static final long FAIL = 2;

    /** {@code "PROTO/IP/PORT"} as kube's test helper {@code newPod} takes them. */
    private static List<ContainerPort> ports(final String... specs)
    {
        final List<ContainerPort> out = new ArrayList<>();
        for (final String s : specs)
        {
            final String[] p = s.split("/");
            out.add(new ContainerPort(0, Integer.parseInt(p[2]), p[0], p[1]));
        }
        return out;
    }

    private static PodObject pod(final String name, final String node, final String... specs)
    {
        return PodObject.builder("default", name).nodeName(node)
            .containers(List.of(new Container("c", "img", ResourceList.EMPTY, ports(specs), false))).build();
    }

    private static NodeObject node(final String name)
    {
        return NodeObject.builder(name)
            .allocatable(ResourceList.ofMilli("cpu", 8_000, "memory", 16L * 1024 * 1024 * 1024 * 1000, "pods", 110_000)).build();
    }

    /** Runs PreFilter and both passes for {@code pod} against a one-node table holding {@code existing}; null = skipped. */
    private static Boolean fits(final PodObject pod, final PodObject existing)
    {
        final NodeTable table = new NodeTable(8);
        final int slot = table.upsert(node("m1"));
        final PodTable pods = new PodTable(table);
        final PodRequests requests = new PodRequests(table);
        if (existing != null)
        {
            requests.compile(existing);
            pods.add(existing, requests, slot);
        }
        requests.compile(pod);
        final NodePorts plugin = new NodePorts();
        if (!plugin.preFilter(pod, requests, table))
        {
            return null;
        }
        final int limit = Kernels.LANES;
        final long[] vector = new long[limit];
        final long[] scalar = new long[limit];
        plugin.filter(table, vector, FAIL, limit);
        plugin.filterScalar(table, scalar, FAIL, limit);
        assertThat(vector).containsExactly(scalar);
        return vector[slot] == 0;
    }

    @Test
    void kubeTestNodePortsTable()
    {
        // "skip filter": a pod without ports
        assertThat(fits(PodObject.builder("default", "p").build(), null)).isNull();
        // "other port"
        assertThat(fits(pod("p", "", "UDP/127.0.0.1/8080"), pod("e", "m1", "UDP/127.0.0.1/9090"))).isNull();
        // "same udp port"
        assertThat(fits(pod("p", "", "UDP/127.0.0.1/8080"), pod("e", "m1", "UDP/127.0.0.1/8080"))).isFalse();
        // "same tcp port"
        assertThat(fits(pod("p", "", "TCP/127.0.0.1/8080"), pod("e", "m1", "TCP/127.0.0.1/8080"))).isFalse();
        // "different host ip"
        assertThat(fits(pod("p", "", "TCP/127.0.0.1/8080"), pod("e", "m1", "TCP/127.0.0.2/8080"))).isTrue();
        // "different protocol"
        assertThat(fits(pod("p", "", "UDP/127.0.0.1/8080"), pod("e", "m1", "TCP/127.0.0.1/8080"))).isNull();
        // "second udp port conflict"
        assertThat(fits(pod("p", "", "UDP/127.0.0.1/8000", "UDP/127.0.0.1/8080"), pod("e", "m1", "UDP/127.0.0.1/8080"))).isFalse();
        // "first tcp port conflict"
        assertThat(fits(pod("p", "", "TCP/127.0.0.1/8001", "UDP/127.0.0.1/8080"),
            pod("e", "m1", "TCP/127.0.0.1/8001", "UDP/127.0.0.1/8081"))).isFalse();
        // "first tcp port conflict due to 0.0.0.0 hostIP"
        assertThat(fits(pod("p", "", "TCP/0.0.0.0/8001"), pod("e", "m1", "TCP/127.0.0.1/8001"))).isFalse();
        // "TCP hostPort conflict due to 0.0.0.0 hostIP"
        assertThat(fits(pod("p", "", "TCP/10.0.10.10/8001", "TCP/0.0.0.0/8001"), pod("e", "m1", "TCP/127.0.0.1/8001"))).isFalse();
        // "second tcp port conflict to 0.0.0.0 hostIP"
        assertThat(fits(pod("p", "", "TCP/127.0.0.1/8001"), pod("e", "m1", "TCP/0.0.0.0/8001"))).isFalse();
        // "second different protocol"
        assertThat(fits(pod("p", "", "UDP/127.0.0.1/8001"), pod("e", "m1", "TCP/0.0.0.0/8001"))).isNull();
        // "UDP hostPort conflict due to 0.0.0.0 hostIP"
        assertThat(fits(pod("p", "", "UDP/127.0.0.1/8001"), pod("e", "m1", "TCP/0.0.0.0/8001", "UDP/0.0.0.0/8001"))).isFalse();
    }

    @Test
    void defaultsAndIgnoredPorts()
    {
        // empty protocol and hostIP default to TCP and 0.0.0.0 (kube's sanitize)
        final PodObject existing = PodObject.builder("default", "e").nodeName("m1")
            .containers(List.of(new Container("c", "i", ResourceList.EMPTY, List.of(new ContainerPort(80, 8080, "", "")), false))).build();
        assertThat(fits(pod("p", "", "TCP/127.0.0.1/8080"), existing)).isFalse();
        // a container port without hostPort wants nothing: Skip
        final PodObject noHostPort = PodObject.builder("default", "p")
            .containers(List.of(new Container("c", "i", ResourceList.EMPTY, List.of(new ContainerPort(8080, 0, "TCP", "")), false))).build();
        assertThat(fits(noHostPort, existing)).isNull();
        // kube does not check the pod's own ports against each other
        assertThat(fits(pod("p", "", "TCP/0.0.0.0/9000", "TCP/0.0.0.0/9000"), pod("e", "m1", "TCP/0.0.0.0/9001"))).isNull();
    }

    @Test
    void restartableInitContainerPortsCountBothWays()
    {
        // kubernetes#132040: GetHostPorts includes init containers with restartPolicy Always, not plain ones
        final PodObject sidecarUser = PodObject.builder("default", "e").nodeName("m1")
            .initContainers(List.of(new Container("side", "i", ResourceList.EMPTY, ports("TCP/0.0.0.0/8081"), true)))
            .containers(List.of(new Container("c", "i", ResourceList.EMPTY))).build();
        assertThat(fits(pod("p", "", "TCP/0.0.0.0/8081"), sidecarUser)).isFalse();

        final PodObject initUser = PodObject.builder("default", "e").nodeName("m1")
            .initContainers(List.of(new Container("init", "i", ResourceList.EMPTY, ports("TCP/0.0.0.0/8081"), false)))
            .containers(List.of(new Container("c", "i", ResourceList.EMPTY))).build();
        assertThat(fits(pod("p", "", "TCP/0.0.0.0/8081"), initUser)).isNull();

        final PodObject wantsViaSidecar = PodObject.builder("default", "p")
            .initContainers(List.of(new Container("side", "i", ResourceList.EMPTY, ports("TCP/0.0.0.0/8081"), true)))
            .containers(List.of(new Container("c", "i", ResourceList.EMPTY))).build();
        assertThat(fits(wantsViaSidecar, pod("e", "m1", "TCP/10.0.0.1/8081"))).isFalse();

        final PodObject wantsViaInit = PodObject.builder("default", "p")
            .initContainers(List.of(new Container("init", "i", ResourceList.EMPTY, ports("TCP/0.0.0.0/8081"), false)))
            .containers(List.of(new Container("c", "i", ResourceList.EMPTY))).build();
        assertThat(fits(wantsViaInit, pod("e", "m1", "TCP/10.0.0.1/8081"))).isNull();
    }

    @Test
    void engineAccountsPortsOnAssumeAndRemove()
    {
        for (final boolean vector : new boolean[] {true, false})
        {
            final NodeTable table = new NodeTable(8);
            final SchedulingEngine engine = new SchedulingEngine(table, PluginRegistry.build(Profile.defaultProfile()), 7)
                .vector(vector);
            engine.upsertNode(node("a"));
            engine.upsertNode(node("b"));

            final int first = engine.schedule(pod("p1", "", "TCP/0.0.0.0/80"));
            final int second = engine.schedule(pod("p2", "", "TCP/0.0.0.0/80"));
            assertThat(first).isNotNegative();
            assertThat(second).isNotNegative().isNotEqualTo(first);
            assertThat(engine.schedule(pod("p3", "", "TCP/10.1.2.3/80"))).isEqualTo(-1);
            assertThat(engine.unschedulableReasons()).containsExactly(Map.entry(NodePorts.REASON, 2));

            // other protocol or other port: fits anywhere
            assertThat(engine.schedule(pod("p4", "", "UDP/0.0.0.0/80"))).isNotNegative();

            // removing p1 frees its node for a port-80 pod
            assertThat(engine.removePod("default/p1")).isTrue();
            assertThat(engine.schedule(pod("p5", "", "TCP/10.1.2.3/80"))).isEqualTo(first);
            // a specific IP on the node now; the same IP conflicts, another IP does not, the wildcard does
            assertThat(engine.selectHost(pod("p6", "", "TCP/10.1.2.3/80"))).isEqualTo(-1);
            assertThat(engine.selectHost(pod("p7", "", "TCP/10.1.2.4/80"))).isEqualTo(first);
            assertThat(engine.selectHost(pod("p8", "", "TCP/0.0.0.0/80"))).isEqualTo(-1);
        }
    }

    @Test
    void usedPortsAreASetPerNodeAsInKube()
    {
        // kube's HostPortInfo is a set: two bound pods listing the same port on one node share one entry, and
        // removing either deletes it (NodeInfo.RemovePod -> UsedPorts.Remove).
        final NodeTable table = new NodeTable(8);
        final SchedulingEngine engine = new SchedulingEngine(table, PluginRegistry.build(Profile.defaultProfile()), 7);
        engine.upsertNode(node("a"));
        assertThat(engine.addBoundPod(pod("b1", "a", "TCP/0.0.0.0/80"))).isTrue();
        assertThat(engine.addBoundPod(pod("b2", "a", "TCP/0.0.0.0/80"))).isTrue();
        assertThat(engine.selectHost(pod("p", "", "TCP/0.0.0.0/80"))).isEqualTo(-1);
        engine.removePod("default/b1");
        assertThat(engine.selectHost(pod("p", "", "TCP/0.0.0.0/80"))).isZero();
        engine.removePod("default/b2");
        assertThat(engine.selectHost(pod("p", "", "TCP/0.0.0.0/80"))).isZero();
        engine.addBoundPod(pod("b3", "a", "TCP/0.0.0.0/80"));
        assertThat(engine.selectHost(pod("p", "", "TCP/0.0.0.0/80"))).isEqualTo(-1);
    }

    // ---------------------------------------------------------------- random: vector == scalar == kube model

    private static final String[] PROTOCOLS = {"TCP", "UDP", "SCTP"};
    private static final String[] IPS = {"0.0.0.0", "10.0.0.1", "10.0.0.2", "127.0.0.1"};

    private static List<ContainerPort> randomPorts(final Random r)
    {
        final List<ContainerPort> out = new ArrayList<>();
        final int n = r.nextInt(4);
        for (int i = 0; i < n; i++)
        {
            final int hostPort = r.nextInt(8) == 0 ? 0 : 8000 + r.nextInt(6);
            out.add(new ContainerPort(80, hostPort, PROTOCOLS[r.nextInt(r.nextBoolean() ? 1 : 3)], IPS[r.nextInt(IPS.length)]));
        }
        return out;
    }

    private static PodObject randomPod(final Random r, final String name, final String node)
    {
        final List<Container> inits = new ArrayList<>();
        if (r.nextInt(4) == 0)
        {
            inits.add(new Container("i", "img", ResourceList.EMPTY, randomPorts(r), r.nextBoolean()));
        }
        final List<Container> containers = new ArrayList<>();
        final int n = 1 + r.nextInt(2);
        for (int i = 0; i < n; i++)
        {
            containers.add(new Container("c" + i, "img", ResourceList.EMPTY, randomPorts(r), false));
        }
        return PodObject.builder("default", name).nodeName(node).initContainers(inits).containers(containers).build();
    }

    private static List<ContainerPort> hostPorts(final PodObject pod)
    {
        final List<ContainerPort> out = new ArrayList<>();
        for (final Container c : pod.initContainers())
        {
            if (c.restartPolicyAlways())
            {
                c.ports().stream().filter(p -> p.hostPort() > 0).forEach(out::add);
            }
        }
        for (final Container c : pod.containers())
        {
            c.ports().stream().filter(p -> p.hostPort() > 0).forEach(out::add);
        }
        return out;
    }

    /** kube's HostPortInfo for one node: ip to set of "protocol/port". */
    private static final class KubePorts
    {
        final Map<String, Set<String>> byIp = new HashMap<>();

        void update(final PodObject pod, final boolean add)
        {
            for (final ContainerPort p : hostPorts(pod))
            {
                final String pp = p.protocol() + "/" + p.hostPort();
                if (add)
                {
                    byIp.computeIfAbsent(p.hostIP(), k -> new HashSet<>()).add(pp);
                }
                else
                {
                    final Set<String> s = byIp.get(p.hostIP());
                    if (s != null)
                    {
                        s.remove(pp);
                        if (s.isEmpty())
                        {
                            byIp.remove(p.hostIP());
                        }
                    }
                }
            }
        }

        boolean checkConflict(final ContainerPort p)
        {
            final String pp = p.protocol() + "/" + p.hostPort();
            if (p.hostIP().equals("0.0.0.0"))
            {
                return byIp.values().stream().anyMatch(s -> s.contains(pp));
            }
            return byIp.getOrDefault("0.0.0.0", Set.of()).contains(pp) || byIp.getOrDefault(p.hostIP(), Set.of()).contains(pp);
        }

        boolean fits(final PodObject pod)
        {
            return hostPorts(pod).stream().noneMatch(this::checkConflict);
        }
    }

    @Test
    void vectorScalarAndKubeModelAgreeOnRandomClusters()
    {
        int checks = 0;
        for (long seed = 1; seed <= 40; seed++)
        {
            final Random r = new Random(seed);
            final NodeTable table = new NodeTable(16);
            final PodTable pods = new PodTable(table);
            final PodRequests requests = new PodRequests(table);
            final NodePorts plugin = new NodePorts();
            final Map<String, KubePorts> kube = new HashMap<>();
            final Map<String, String> podNode = new HashMap<>();
            final List<String> nodes = new ArrayList<>();
            final int count = 1 + r.nextInt(300);
            for (int i = 0; i < count; i++)
            {
                table.upsert(node("n" + i));
                nodes.add("n" + i);
                kube.put("n" + i, new KubePorts());
            }
            int podSeq = 0;
            for (int step = 0; step < 80; step++)
            {
                final int action = r.nextInt(10);
                if (action < 4 && !nodes.isEmpty())
                {
                    for (int k = 0; k < 1 + r.nextInt(count); k++)
                    {
                        final String n = nodes.get(r.nextInt(nodes.size()));
                        final PodObject p = randomPod(r, "b" + podSeq++, n);
                        requests.compile(p);
                        pods.add(p, requests, table.slotOf(n));
                        kube.get(n).update(p, true);
                        podNode.put(p.key(), n);
                    }
                }
                else if (action < 6 && !podNode.isEmpty())
                {
                    final List<String> keys = new ArrayList<>(podNode.keySet());
                    for (int k = 0; k < 1 + r.nextInt(keys.size()); k++)
                    {
                        final String key = keys.get(r.nextInt(keys.size()));
                        final String n = podNode.remove(key);
                        if (n != null)
                        {
                            kube.get(n).update(pods.pod(key), false);
                            pods.remove(key);
                        }
                    }
                }
                else if (action == 6 && !nodes.isEmpty())
                {
                    // remove a node and its pods (its slot is freed once empty, then reused)
                    final String n = nodes.remove(r.nextInt(nodes.size()));
                    table.remove(n);
                    for (final String key : new ArrayList<>(podNode.keySet()))
                    {
                        if (podNode.get(key).equals(n))
                        {
                            podNode.remove(key);
                            pods.remove(key);
                        }
                    }
                    kube.remove(n);
                }
                else if (action == 7)
                {
                    final String n = "late" + step;
                    table.upsert(node(n));
                    nodes.add(n);
                    kube.put(n, new KubePorts());
                }
                final PodObject pod = randomPod(r, "q" + step, "");
                requests.compile(pod);
                final int limit = (table.slotLimit() + Kernels.LANES - 1) / Kernels.LANES * Kernels.LANES;
                final long[] vector = new long[limit];
                final long[] scalar = new long[limit];
                if (plugin.preFilter(pod, requests, table))
                {
                    plugin.filter(table, vector, FAIL, limit);
                    plugin.filterScalar(table, scalar, FAIL, limit);
                }
                assertThat(vector).as("seed %d step %d", seed, step).containsExactly(scalar);
                for (final String n : nodes)
                {
                    final int slot = table.slotOf(n);
                    assertThat(vector[slot] == 0).as("seed %d step %d node %s", seed, step, n).isEqualTo(kube.get(n).fits(pod));
                    checks++;
                }
            }
        }
        assertThat(checks).isGreaterThan(50_000);
    }
}
