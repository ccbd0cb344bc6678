package io.berth.sched.model;

import java.util.Map;

/** The parts of a v1 Namespace the scheduler reads: its name and labels (for namespace selectors). */
public record NamespaceObject(String name, Map<String, String> labels)
{
    public NamespaceObject
    {
        name = name == null ? "" : name;
        labels = labels == null ? Map.of() : labels;
    }
}
