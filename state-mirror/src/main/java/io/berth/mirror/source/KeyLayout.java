package io.berth.mirror.source;

/**
 * kube-apiserver's etcd key layout under a configurable prefix (default {@code /registry}): nodes under
 * {@code minions/}, pods under {@code pods/<ns>/}, services under {@code services/specs/<ns>/} and so on.
 */
public record KeyLayout(String prefix)
{
    /** kube-apiserver's default prefix. */
    public static final String DEFAULT_PREFIX = "/registry";

    /** The layout under {@link #DEFAULT_PREFIX}. */
    public static final KeyLayout DEFAULT = new KeyLayout(DEFAULT_PREFIX);

    /** Validates the prefix: absolute, no trailing slash. */
    public KeyLayout
    {
        if (prefix == null || !prefix.startsWith("/") || prefix.endsWith("/") || prefix.length() < 2)
        {
            throw new IllegalArgumentException("etcd prefix must start with '/' and not end with it: " + prefix);
        }
    }

    /** Every key of the cluster ends with this and lies below it. */
    public String root()
    {
        return prefix + "/";
    }

    public String nodes()
    {
        return prefix + "/minions/";
    }

    public String node(final String name)
    {
        return nodes() + name;
    }

    public String pods()
    {
        return prefix + "/pods/";
    }

    public String pod(final String namespace, final String name)
    {
        return pods() + namespace + "/" + name;
    }

    public String namespaces()
    {
        return prefix + "/namespaces/";
    }

    public String namespace(final String name)
    {
        return namespaces() + name;
    }

    public String services()
    {
        return prefix + "/services/specs/";
    }

    public String service(final String namespace, final String name)
    {
        return services() + namespace + "/" + name;
    }

    public String endpoints()
    {
        return prefix + "/services/endpoints/";
    }

    public String endpoint(final String namespace, final String name)
    {
        return endpoints() + namespace + "/" + name;
    }

    public String priorityClasses()
    {
        return prefix + "/priorityclasses/";
    }

    public String priorityClass(final String name)
    {
        return priorityClasses() + name;
    }

    public String podDisruptionBudgets()
    {
        return prefix + "/poddisruptionbudgets/";
    }

    public String podDisruptionBudget(final String namespace, final String name)
    {
        return podDisruptionBudgets() + namespace + "/" + name;
    }
}
