package io.berth.sched.plugins.podtopologyspread;

import java.util.List;
import java.util.Map;

import io.berth.sched.model.NodeObject;
import io.berth.sched.model.NodeSelectorRequirement;
import io.berth.sched.model.NodeSelectorTerm;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.Taint;
import io.berth.sched.model.Toleration;

/**
 * kube's {@code topologySpreadConstraint.matchNodeInclusionPolicies} inputs for one node: whether it matches the
 * pod's {@code nodeSelector} and required node affinity ({@code nodeaffinity.GetRequiredNodeAffinity(pod).Match},
 * parse errors ignored: a term kube cannot parse never matches), and whether the pod tolerates all of its
 * NoSchedule/NoExecute taints ({@code FindMatchingUntoleratedTaint} with {@code DoNotScheduleTaintsFilterFunc}).
 * Evaluated per pod over the node objects (not a pass). Label key and value syntax is not re-validated here: the
 * API server rejects pods whose selectors have malformed keys or values.
 */
final class NodeInclusion
{
    private static final String NAME_FIELD = "metadata.name";

    private NodeInclusion()
    {
    }

    /** True when the pod has a nodeSelector or required node affinity (else every node matches). */
    static boolean hasRequiredAffinity(final PodObject pod)
    {
        return !pod.nodeSelector().isEmpty() || pod.nodeAffinity().requiredTerms() != null;
    }

    /** kube's {@code RequiredNodeAffinity.Match(node)}. */
    static boolean matchesAffinity(final PodObject pod, final NodeObject node)
    {
        final Map<String, String> labels = node.labels();
        for (final Map.Entry<String, String> e : pod.nodeSelector().entrySet())
        {
            if (!e.getValue().equals(labels.get(e.getKey())))
            {
                return false;
            }
        }
        final List<NodeSelectorTerm> terms = pod.nodeAffinity().requiredTerms();
        if (terms == null)
        {
            return true;
        }
        for (int t = 0, n = terms.size(); t < n; t++)
        {
            if (matchesTerm(terms.get(t), node))
            {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesTerm(final NodeSelectorTerm term, final NodeObject node)
    {
        final List<NodeSelectorRequirement> exprs = term.matchExpressions();
        final List<NodeSelectorRequirement> fields = term.matchFields();
        if (exprs.isEmpty() && fields.isEmpty())
        {
            return false;
        }
        for (int i = 0, n = exprs.size(); i < n; i++)
        {
            if (!validExpression(exprs.get(i)))
            {
                return false;
            }
        }
        for (int i = 0, n = fields.size(); i < n; i++)
        {
            final NodeSelectorRequirement r = fields.get(i);
            if (!("In".equals(r.operator()) || "NotIn".equals(r.operator())) || r.values().size() != 1)
            {
                return false;
            }
        }
        for (int i = 0, n = exprs.size(); i < n; i++)
        {
            if (!matchesExpression(exprs.get(i), node.labels()))
            {
                return false;
            }
        }
        for (int i = 0, n = fields.size(); i < n; i++)
        {
            final NodeSelectorRequirement r = fields.get(i);
            final String actual = NAME_FIELD.equals(r.key()) ? node.name() : "";
            if (r.values().get(0).equals(actual) != "In".equals(r.operator()))
            {
                return false;
            }
        }
        return true;
    }

    private static boolean validExpression(final NodeSelectorRequirement r)
    {
        final List<String> vals = r.values();
        return switch (r.operator())
        {
            case "In", "NotIn" -> !vals.isEmpty();
            case "Exists", "DoesNotExist" -> vals.isEmpty();
            case "Gt", "Lt" -> vals.size() == 1 && parseInt64(vals.get(0)) != null;
            default -> false;
        };
    }

    private static boolean matchesExpression(final NodeSelectorRequirement r, final Map<String, String> labels)
    {
        final String value = labels.get(r.key());
        switch (r.operator())
        {
            case "In":
                return value != null && r.values().contains(value);
            case "NotIn":
                return value == null || !r.values().contains(value);
            case "Exists":
                return value != null;
            case "DoesNotExist":
                return value == null;
            default:
            {
                if (value == null)
                {
                    return false;
                }
                final Long actual = parseInt64(value);
                if (actual == null)
                {
                    return false;
                }
                final long operand = parseInt64(r.values().get(0));
                return "Gt".equals(r.operator()) ? actual > operand : actual < operand;
            }
        }
    }

    /** Go's {@code strconv.ParseInt(s, 10, 64)}: optional sign, decimal digits, no overflow; null on error. */
    static Long parseInt64(final String s)
    {
        if (s.isEmpty())
        {
            return null;
        }
        final int start = s.charAt(0) == '+' || s.charAt(0) == '-' ? 1 : 0;
        if (start == s.length())
        {
            return null;
        }
        for (int i = start; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            if (c < '0' || c > '9')
            {
                return null;
            }
        }
        try
        {
            return Long.parseLong(s);
        }
        catch (final NumberFormatException ex)
        {
            return null;
        }
    }

    /** True when every NoSchedule/NoExecute taint of the node is tolerated by the pod. */
    static boolean toleratesTaints(final PodObject pod, final NodeObject node)
    {
        final List<Taint> taints = node.taints();
        final List<Toleration> tolerations = pod.tolerations();
        for (int t = 0, n = taints.size(); t < n; t++)
        {
            final Taint taint = taints.get(t);
            if (!Taint.NO_SCHEDULE.equals(taint.effect()) && !Taint.NO_EXECUTE.equals(taint.effect()))
            {
                continue;
            }
            boolean tolerated = false;
            for (int k = 0, m = tolerations.size(); k < m && !tolerated; k++)
            {
                tolerated = tolerations.get(k).tolerates(taint);
            }
            if (!tolerated)
            {
                return false;
            }
        }
        return true;
    }
}
