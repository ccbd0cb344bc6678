package io.berth.mirror.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.berth.sched.model.GpuRequest;
import io.berth.sched.model.GpuSharing;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;

/** GPU sharing in manifests: open-gpu-share's annotations on pods, device count and model on nodes. */
class KubeObjectReaderGpuTest
{
    private final KubeObjectReader reader = new KubeObjectReader();

    @Test
    void readsGpuAnnotationsOnPodsAndDevicesAndModelOnNodes()
    {
        final ReadResult r = reader.readString("gpu.yaml", """
            apiVersion: v1
            kind: Node
            metadata:
              name: g1
              labels:
                alibabacloud.com/gpu-card-model: V100M32
            status:
              allocatable: {cpu: "96", memory: 512Gi, pods: "110", alibabacloud.com/gpu-count: "8"}
            ---
            apiVersion: v1
            kind: Node
            metadata: {name: g2}
            status:
              capacity: {alibabacloud.com/gpu-count: "2"}
              allocatable: {cpu: "32"}
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: share
              annotations:
                alibabacloud.com/gpu-milli: "470"
                alibabacloud.com/gpu-count: 1
                alibabacloud.com/gpu-card-model: "V100M32|A10"
                note: other annotations are kept too
            spec:
              containers: [{name: c, resources: {requests: {cpu: "6"}}}]
            """);
        assertThat(r.errors()).isEmpty();
        final NodeObject g1 = r.nodes().get(0);
        assertThat(GpuSharing.nodeDevices(g1)).isEqualTo(8);
        assertThat(GpuSharing.nodeModel(g1)).isEqualTo("V100M32");
        assertThat(GpuSharing.nodeDevices(r.nodes().get(1))).as("from capacity").isEqualTo(2);
        final PodObject pod = r.pods().get(0);
        assertThat(pod.annotations()).containsEntry("note", "other annotations are kept too").hasSize(4);
        assertThat(pod.gpuRequest()).isEqualTo(new GpuRequest(1, 470, List.of("V100M32", "A10"), 0));
    }

    @Test
    void badGpuFieldsFailTheirObjectOnlyWithTheFieldNamed()
    {
        final ReadResult r = reader.readString("bad.yaml", """
            apiVersion: v1
            kind: Node
            metadata: {name: huge}
            status:
              allocatable: {alibabacloud.com/gpu-count: "16"}
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: greedy
              annotations: {alibabacloud.com/gpu-milli: "1500"}
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: split
              annotations: {alibabacloud.com/gpu-milli: "500", alibabacloud.com/gpu-count: "2"}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: fine, annotations: {alibabacloud.com/gpu-count: "4"}}
            """);
        assertThat(r.pods()).extracting(PodObject::name).containsExactly("fine");
        assertThat(r.pods().get(0).gpuRequest()).isEqualTo(new GpuRequest(4, 1000, List.of(), 0));
        assertThat(r.nodes()).isEmpty();
        assertThat(r.errors()).hasSize(3);
        assertThat(r.errors().get(0).field()).isEqualTo("status.allocatable[alibabacloud.com/gpu-count]");
        assertThat(r.errors().get(0).message()).contains("node huge").contains("[0, 8]");
        assertThat(r.errors().get(1).field()).isEqualTo("metadata.annotations");
        assertThat(r.errors().get(1).message()).contains(GpuSharing.GPU_MILLI).contains("1500");
        assertThat(r.errors().get(2).message()).contains("whole devices");
    }
}
