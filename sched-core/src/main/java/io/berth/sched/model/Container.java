package io.berth.sched.model;

import java.util.List;

/**
 * A container or init container. {@code restartPolicyAlways} marks a sidecar (restartable init container),
 * which Kubernetes counts as running beside the app containers.
 */
public record Container(String name, String image, ResourceList requests, List<ContainerPort> ports, boolean restartPolicyAlways)
{
    public Container
    {
        name = name == null ? "" : name;
        image = image == null ? "" : image;
        requests = requests == null ? ResourceList.EMPTY : requests;
        ports = ports == null ? List.of() : List.copyOf(ports);
    }

    public Container(final String name, final String image, final ResourceList requests)
    {
        this(name, image, requests, List.of(), false);
    }
}
