package io.berth.mirror.source;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.kv.GetResponse;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The list's fast path reads the protobuf page under jetcd's response (else it falls back to jetcd's copies). */
class RangePageTest
{
    @Test
    void theProtobufPageUnderAGetResponseIsReachable()
    {
        final RangeResponse range = RangeResponse.newBuilder()
            .setHeader(ResponseHeader.newBuilder().setRevision(42))
            .addKvs(KeyValue.newBuilder().setKey(ByteString.copyFromUtf8("/registry/pods/a/b"))
                .setValue(ByteString.copyFromUtf8("{}")).setModRevision(7))
            .setMore(true)
            .build();
        final GetResponse page = new GetResponse(range, ByteSequence.EMPTY);
        assertThat(RangePage.of(page)).isSameAs(range);
        assertThat(RangePage.of(page).getKvs(0).getModRevision()).isEqualTo(7);
    }
}
