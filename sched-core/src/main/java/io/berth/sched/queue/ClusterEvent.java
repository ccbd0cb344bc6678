package io.berth.sched.queue;

/**
 * A change to the cluster that may make unschedulable pods schedulable. {@link SchedulingQueue#onClusterEvent}
 * moves every pod waiting in unschedulablePods (but not those held by scheduling gates) to backoffQ, or to activeQ
 * once its backoff is over. The assigned-pod events also come with the pod and its node
 * ({@link SchedulingQueue#onAssignedPodDelete}, {@link SchedulingQueue#onAssignedPodAdd}), which lets the queue's
 * hints move only the pods the change may help, as kube's QueueingHints do.
 */
public enum ClusterEvent
{
    /** A node was added. */
    NODE_ADD,
    /** A node changed in any way (labels, taints, allocatable, unschedulable...). */
    NODE_UPDATE,
    /** A node was removed (with its pods): topology domains and the pods that counted in them may be gone. */
    NODE_DELETE,
    /** A pod assigned to a node was deleted, freeing its resources, ports and topology counts. */
    ASSIGNED_POD_DELETE,
    /** A pod was assigned to a node (placed or bound), which may satisfy pod affinity or lower a spread's skew. */
    ASSIGNED_POD_ADD,
    /** The labels of a pod assigned to a node changed, which may satisfy pod affinity or spreading. */
    ASSIGNED_POD_LABEL_CHANGE
}
