package io.berth.sched.queue;

import io.berth.sched.model.PodObject;
import io.berth.sched.model.PriorityClass;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PriorityClassesTest
{
    private static PodObject pod()
    {
        return PodObject.builder("default", "p").build();
    }

    @Test
    void withoutAGlobalDefaultAPodWithoutClassGetsZero()
    {
        final PriorityClasses classes = PriorityClasses.of(List.of(new PriorityClass("high", 100, false, "")));
        assertThat(classes.globalDefault()).isNull();
        assertThat(classes.priorityOf(pod())).isZero();
        assertThat(classes.preemptionPolicyOf(pod())).isEqualTo(PriorityClasses.PREEMPT_LOWER_PRIORITY);
        final PodObject admitted = classes.admit(pod());
        assertThat(admitted.hasPriority()).isTrue();
        assertThat(admitted.priority()).isZero();
        assertThat(admitted.priorityClassName()).isEmpty();
    }

    @Test
    void theLowestOfSeveralGlobalDefaultsWins()
    {
        // kube's admission getDefaultPriorityClass: "we pick the one with the lowest priority value".
        final PriorityClasses classes = PriorityClasses.of(List.of(
            new PriorityClass("a", 300, true, ""),
            new PriorityClass("b", 200, true, "Never"),
            new PriorityClass("c", 100, false, "")));
        assertThat(classes.globalDefault().name()).isEqualTo("b");
        assertThat(classes.priorityOf(pod())).isEqualTo(200);
        assertThat(classes.preemptionPolicyOf(pod())).isEqualTo("Never");
        assertThat(classes.admit(pod()).priorityClassName()).isEqualTo("b");
    }

    @Test
    void builtInSystemClassesArePresentAndReplaceable()
    {
        assertThat(PriorityClasses.NONE.size()).isEqualTo(2);
        assertThat(PriorityClasses.NONE.get("system-cluster-critical").value()).isEqualTo(2_000_000_000);
        assertThat(PriorityClasses.NONE.get("system-node-critical").value()).isEqualTo(2_000_001_000);
        final PriorityClasses replaced =
            PriorityClasses.of(List.of(new PriorityClass("system-node-critical", 7, false, "")));
        assertThat(replaced.get("system-node-critical").value()).isEqualTo(7);
        assertThat(replaced.size()).isEqualTo(2);
    }

    @Test
    void anUnknownClassResolvesToZeroAndIsReported()
    {
        final PodObject unknown = pod().toBuilder().priorityClassName("missing").build();
        assertThat(PriorityClasses.NONE.isUnknownClass(unknown)).isTrue();
        assertThat(PriorityClasses.NONE.priorityOf(unknown)).isZero();
        assertThat(PriorityClasses.NONE.admit(unknown).priorityClassName()).isEqualTo("missing");
        assertThat(PriorityClasses.NONE.isUnknownClass(unknown.toBuilder().priority(3).build())).isFalse();
        assertThat(PriorityClasses.NONE.isUnknownClass(pod())).isFalse();
    }

    @Test
    void aPodCarryingSpecPriorityKeepsIt()
    {
        final PriorityClasses classes = PriorityClasses.of(List.of(new PriorityClass("high", 100, true, "Never")));
        final PodObject own = pod().toBuilder().priorityClassName("high").priority(5).build();
        assertThat(classes.priorityOf(own)).isEqualTo(5);
        assertThat(classes.admit(own).priority()).isEqualTo(5);
        final PodObject zero = pod().toBuilder().priority(0).build();
        assertThat(classes.priorityOf(zero)).isZero();
    }

    @Test
    void preemptionPolicyIsThePodsOwnThenTheClassesThenTheDefault()
    {
        final PriorityClasses classes = PriorityClasses.of(List.of(
            new PriorityClass("never", 1, false, "Never"),
            new PriorityClass("plain", 1, false, "")));
        assertThat(classes.preemptionPolicyOf(pod().toBuilder().priorityClassName("never")
            .preemptionPolicy("PreemptLowerPriority").build())).isEqualTo("PreemptLowerPriority");
        assertThat(classes.preemptionPolicyOf(pod().toBuilder().priorityClassName("never").build())).isEqualTo("Never");
        assertThat(classes.preemptionPolicyOf(pod().toBuilder().priorityClassName("plain").build()))
            .isEqualTo("PreemptLowerPriority");
        assertThat(classes.preemptionPolicyOf(pod().toBuilder().priorityClassName("gone").build()))
            .isEqualTo("PreemptLowerPriority");
    }

    @Test
    void admitReturnsTheSameInstanceWhenAlreadyResolved()
    {
        final PriorityClasses classes = PriorityClasses.of(List.of(new PriorityClass("high", 100, false, "")));
        final PodObject once = classes.admit(pod().toBuilder().priorityClassName("high").build());
        assertThat(once.priority()).isEqualTo(100);
        assertThat(once.preemptionPolicy()).isEqualTo("PreemptLowerPriority");
        assertThat(classes.admit(once)).isSameAs(once);
    }

    @Test
    void admissionCopiesEveryOtherFieldAsTheBuilderWould()
    {
        final PodObject gpu = PodObject.builder("team-a", "trainer").labels(java.util.Map.of("app", "t"))
            .annotations(java.util.Map.of(io.berth.sched.model.GpuSharing.GPU_COUNT, "2")).nodeName("").creationTimestampMs(7)
            .schedulingGates(List.of("g")).build();
        final PriorityClasses classes = PriorityClasses.of(List.of(new PriorityClass("high", 100, true, "Never")));
        final PodObject admitted = classes.admit(gpu);
        final PodObject built = gpu.toBuilder().priority(100).preemptionPolicy("Never").priorityClassName("high").build();
        assertThat(admitted).isEqualTo(built);
        assertThat(admitted.hasPriority()).isTrue();
        assertThat(admitted.key()).isEqualTo("team-a/trainer");
        assertThat(admitted.gpuRequest()).isEqualTo(built.gpuRequest());
        assertThat(admitted.schedulingGates()).containsExactly("g");
    }
}
