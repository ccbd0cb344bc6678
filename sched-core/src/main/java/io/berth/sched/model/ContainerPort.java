package io.berth.sched.model;

/** A container port; only ports with {@code hostPort > 0} matter to scheduling. */
public record ContainerPort(int containerPort, int hostPort, String protocol, String hostIP)
{
    public ContainerPort
    {
        protocol = protocol == null || protocol.isEmpty() ? "TCP" : protocol;
        hostIP = hostIP == null || hostIP.isEmpty() ? "0.0.0.0" : hostIP;
    }
}
