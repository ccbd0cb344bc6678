package io.berth.sched.queue;

/**
 * A change to the cluster that may make unschedulable pods schedulable: {@link SchedulingQueue#onClusterEvent}
 * moves every pod waiting in unschedulablePods (but not those held by scheduling gates) to backoffQ, or to activeQ
 * once its backoff is over. kube-scheduler narrows this per pod with the rejecting plugins' queueing hints; here
 * every listed event moves every unschedulable pod.
 */
public enum ClusterEvent
{
    /** A node was added. */
    NODE_ADD,
    /** A node changed in any way (labels, taints, allocatable, unschedulable...). */
    NODE_UPDATE,
    /** A pod assigned to a node was deleted, freeing its resources, ports and topology counts. */
    ASSIGNED_POD_DELETE,
    /** The labels of a pod assigned to a node changed, which may satisfy pod affinity or spreading. */
    ASSIGNED_POD_LABEL_CHANGE
}
