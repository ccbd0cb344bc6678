package io.berth.mirror.checkpoint;

/**
 * The layout of one checkpoint record: what {@link CheckpointFile} stores per etcd key after the 8-byte mod revision,
 * and what {@link CheckpointFile#forEach} hands out. A fixed, documented layout (SBE is not set up in this build), read
 * and written through Agrona buffers by {@link RecordEncoder} and {@link RecordDecoder}:
 * <pre>
 * record  := type:u8 version:u8 body                      version = {@value #LAYOUT_VERSION}
 * type {@value #TYPE_JSON}  (JSON): body = the value's bytes as kube-apiserver stored them (namespaces, priority
 *                classes, disruption budgets, and any value that did not decode: it is decoded again on load)
 * type {@value #TYPE_NODE}  (NODE): name:str labels:map flags:u8(bit 0 unschedulable) taints:list(key:str value:str
 *                effect:str) allocatable:res images:list(names:list(str) sizeBytes:vlong)
 * type {@value #TYPE_POD}  (POD):  namespace:str name:str labels:map creationTimestampMs:vlong priority:vint
 *                flags:u8(bit 0 hasPriority) nodeName:str phase:str containers:list(container)
 *                initContainers:list(container) overhead:res nodeSelector:map nodeAffinity tolerations:list(key:str
 *                operator:str value:str effect:str) priorityClassName:str preemptionPolicy:str
 *                schedulingGates:list(str) podAffinity podAntiAffinity topologySpreadConstraints:list(spread)
 *                nominatedNodeName:str startTimeMs:vlong deletionTimestampMs:vlong annotations:map
 * container    := name:str image:str requests:res ports:list(containerPort:vint hostPort:vint protocol:str
 *                 hostIP:str) restartPolicyAlways:u8
 * nodeAffinity := hasRequired:u8 [required:list(nodeTerm)] preferred:list(weight:vint nodeTerm)
 * nodeTerm     := matchExpressions:list(requirement) matchFields:list(requirement)
 * requirement  := key:str operator:str values:list(str)
 * podAffinity  := required:list(podTerm) preferred:list(weight:vint podTerm)
 * podTerm      := labelSelector:selector? namespaces:list(str) topologyKey:str namespaceSelector:selector?
 *                 matchLabelKeys:list(str) mismatchLabelKeys:list(str)
 * selector     := matchLabels:map matchExpressions:list(requirement)       selector? := present:u8 [selector]
 * spread       := maxSkew:vint topologyKey:str whenUnsatisfiable:str labelSelector:selector?
 *                 hasMinDomains:u8 [minDomains:vint] nodeAffinityPolicy:str nodeTaintsPolicy:str matchLabelKeys:list(str)
 * res          := count:uvarint (name:str milli:vlong)*
 * map          := count:uvarint (key:str value:str)*      list(T) := count:uvarint T*
 * str          := length:uvarint UTF-8 bytes
 * uvarint      := unsigned LEB128 (at most 5 bytes); vint / vlong := zig-zag then LEB128 (5 / 10 bytes at most)
 * </pre>
 * A record carries every field of the model object the decoder made, so the object decoded from it is equal to the
 * one decoded from the JSON (the property tests hold it to that). Bump {@link #LAYOUT_VERSION} (and
 * {@link CheckpointFile#FORMAT_VERSION}) on any change; records of another version are reported as corrupt.
 */
public final class CheckpointRecord
{
    /** The value's JSON follows. */
    public static final byte TYPE_JSON = 1;
    /** A node's fields follow. */
    public static final byte TYPE_NODE = 2;
    /** A pod's fields follow. */
    public static final byte TYPE_POD = 3;
    /** The layout of node and pod bodies. */
    public static final byte LAYOUT_VERSION = 1;
    /** Type and version. */
    public static final int HEADER_BYTES = 2;

    private CheckpointRecord()
    {
    }
}
