package io.berth.mirror.codec;

import io.berth.sched.model.GpuSharing;
import io.berth.sched.model.PodObject;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the streaming decoder shares between pods ({@link DecodeShapes}), reads without materialising (annotations
 * other than GPU sharing's) or parses without strings (timestamps), checked against the tree decoder.
 */
class JsonObjectDecoderSharingTest
{
    private final KubeObjectReader reader = new KubeObjectReader();

    @Test
    void podsOfOneWorkloadShareLabelsContainersAndTolerations()
    {
        final JsonObjectDecoder decoder = new JsonObjectDecoder();
        final String spec = "\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"nginx:1\",\"resources\":" +
            "{\"requests\":{\"cpu\":\"250m\",\"memory\":\"64Mi\"},\"limits\":{\"nvidia.com/gpu\":\"1\"}}}," +
            "{\"name\":\"proxy\",\"image\":\"envoy\",\"resources\":{\"requests\":{\"cpu\":\"100m\"}}}]," +
            "\"tolerations\":[{\"key\":\"spot\",\"operator\":\"Exists\",\"effect\":\"NoSchedule\"}]," +
            "\"nodeSelector\":{\"zone\":\"a\"}}";
        final PodObject first = decode(decoder, pod("web-1", spec));
        final PodObject second = decode(decoder, pod("web-2", spec));
        assertThat(second.name()).isEqualTo("web-2");
        assertThat(second.labels()).isSameAs(first.labels());
        assertThat(second.containers()).isSameAs(first.containers());
        assertThat(second.containers().get(0).requests()).isSameAs(first.containers().get(0).requests());
        assertThat(second.tolerations()).isSameAs(first.tolerations());
        assertThat(second.nodeSelector()).isSameAs(first.nodeSelector());
        // limits fill in requests they do not name, as the tree decoder does
        assertThat(first.containers().get(0).requests().milliValue("nvidia.com/gpu")).isEqualTo(1000);
        assertThat(first).isEqualTo(tree(pod("web-1", spec)));
        assertThat(second).isEqualTo(tree(pod("web-2", spec)));

        // a different value is never taken for a shared one
        final PodObject other = decode(decoder, pod("web-3", spec.replace("250m", "251m")));
        assertThat(other.containers()).isNotEqualTo(first.containers());
        assertThat(other.containers().get(0).requests().milliValue("cpu")).isEqualTo(251);
        assertThat(other.containers().get(1)).isSameAs(first.containers().get(1));
    }

    /** Labels with repeated keys and of every size: the same entries, in the same order, as the tree decoder's. */
    @Property(tries = 300)
    void labelMapsReadLikeTheTreeDecoder(@ForAll final long seed)
    {
        final Random random = new Random(seed);
        final JsonObjectDecoder decoder = new JsonObjectDecoder();
        for (int round = 0; round < 3; round++)
        {
            final int size = random.nextInt(4) == 0 ? random.nextInt(100) : random.nextInt(6);
            final StringBuilder labels = new StringBuilder();
            for (int i = 0; i < size; i++)
            {
                labels.append(i == 0 ? "" : ",").append("\"k").append(random.nextInt(Math.max(1, size))).append("\":")
                    .append(random.nextInt(8) == 0 ? "null" : random.nextInt(8) == 0 ? "7" : "\"v" + random.nextInt(3) + "\"");
            }
            final byte[] json = bytes("{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"namespace\":\"n\",\"labels\":{" +
                labels + "}},\"spec\":{\"nodeSelector\":{" + labels + "}}}");
            final PodObject streamed = decode(decoder, json);
            final PodObject tree = tree(json);
            assertThat(streamed).isEqualTo(tree);
            assertThat(new ArrayList<>(streamed.labels().entrySet())).isEqualTo(new ArrayList<>(tree.labels().entrySet()));
            assertThat(streamed.labels().hashCode()).isEqualTo(tree.labels().hashCode());
            for (final String key : tree.labels().keySet())
            {
                assertThat(streamed.labels().get(key)).isEqualTo(tree.labels().get(key));
                assertThat(streamed.nodeSelector().containsKey(key)).isTrue();
            }
            assertThat(streamed.labels().get("absent")).isNull();
        }
    }

    @Test
    void readsGpuAnnotationsAndSkipsTheOthersUnread()
    {
        final JsonObjectDecoder decoder = new JsonObjectDecoder();
        final String big = "{\\\"apiVersion\\\":\\\"v1\\\"," + "\\\"x\\\":1,".repeat(5000) + "\\\"y\\\":2}";
        final byte[] json = bytes("{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"namespace\":\"n\",\"annotations\":{" +
            "\"kubectl.kubernetes.io/last-applied-configuration\":\"" + big + "\",\"note\":\"kept by the tree decoder only\"," +
            "\"" + GpuSharing.GPU_MILLI + "\":\"500\",\"" + GpuSharing.GPU_CARD_MODEL + "\":\"A100|V100\"}}}");
        final PodObject streamed = decode(decoder, json);
        assertThat(streamed.annotations())
            .isEqualTo(Map.of(GpuSharing.GPU_MILLI, "500", GpuSharing.GPU_CARD_MODEL, "A100|V100"));
        final ReadResult tree = reader.readString("x", new String(json, StandardCharsets.UTF_8));
        assertThat(tree.errors()).isEmpty();
        assertThat(streamed.gpuRequest()).isEqualTo(tree.pods().get(0).gpuRequest());
        assertThat(streamed.gpuRequest().wantsGpu()).isTrue();

        // a malformed GPU annotation is reported on the field, as the tree decoder reports it
        final byte[] bad = bytes("{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"annotations\":{\"" +
            GpuSharing.GPU_COUNT + "\":\"9\"}}}");
        assertThat(decoder.decodePod(bad, 0, bad.length)).isNull();
        assertThat(decoder.errorField()).isEqualTo("metadata.annotations");
        assertThat(decoder.errorMessage()).contains(GpuSharing.GPU_COUNT);
        assertThat(reader.readString("x", new String(bad, StandardCharsets.UTF_8)).errors().get(0).field())
            .isEqualTo("metadata.annotations");
        // and the decoder is clean for the next pod
        assertThat(decode(decoder, pod("q", "\"spec\":{}")).annotations()).isEmpty();
    }

    @Test
    void writtenGpuPodsRoundTrip()
    {
        final PodObject pod = PodObject.builder("ns", "gpu").annotations(Map.of(GpuSharing.GPU_MILLI, "250")).build();
        final byte[] json = new KubeJsonWriter().pod(pod);
        assertThat(decode(new JsonObjectDecoder(), json)).isEqualTo(pod);
    }

    @Test
    void timestampsParseFromTheParsersCharactersLikeTheFormatter()
    {
        final JsonObjectDecoder decoder = new JsonObjectDecoder();
        for (final String t : List.of("2024-12-23T16:41:12Z", "2024-02-29T00:00:00.123456789+05:30", "1970-01-01T00:00:00Z",
            "0001-01-01T00:00:00Z", "2024-12-23T16:41:12.5-08:00"))
        {
            final byte[] json = bytes("{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"creationTimestamp\":\"" + t + "\"}}");
            assertThat(decode(decoder, json).creationTimestampMs()).as(t).isEqualTo(tree(json).creationTimestampMs());
        }
        // what the formatter rejects is still an error naming the field
        final byte[] bad = bytes("{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"creationTimestamp\":\"2024-12-23 16:41:12Z\"}}");
        assertThat(decoder.decodePod(bad, 0, bad.length)).isNull();
        assertThat(decoder.error()).isEqualTo("metadata.creationTimestamp: cannot parse RFC 3339 time \"2024-12-23 16:41:12Z\"");
    }

    @Property(tries = 2000)
    void epochDaysAgreeWithLocalDate(
        @ForAll @IntRange(min = 0, max = 9999) final int year, @ForAll @IntRange(min = 1, max = 12) final int month,
        @ForAll @IntRange(min = 1, max = 31) final int day)
    {
        final int d = Math.min(day, LocalDate.of(year, month, 1).lengthOfMonth());
        assertThat(JsonObjectDecoder.epochDay(year, month, d)).isEqualTo(LocalDate.of(year, month, d).toEpochDay());
    }

    private PodObject tree(final byte[] json)
    {
        final ReadResult result = reader.readString("x", new String(json, StandardCharsets.UTF_8));
        assertThat(result.errors()).isEmpty();
        return result.pods().get(0);
    }

    private static PodObject decode(final JsonObjectDecoder decoder, final byte[] json)
    {
        final PodObject pod = decoder.decodePod(json, 0, json.length);
        assertThat(decoder.error()).isEmpty();
        assertThat(pod).isNotNull();
        return pod;
    }

    private static byte[] pod(final String name, final String spec)
    {
        return bytes("{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"" + name +
            "\",\"namespace\":\"shop\",\"labels\":{\"app\":\"web\",\"pod-template-hash\":\"5d8f\"}," +
            "\"creationTimestamp\":\"2024-12-23T16:41:12Z\"}," + spec + "}");
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
