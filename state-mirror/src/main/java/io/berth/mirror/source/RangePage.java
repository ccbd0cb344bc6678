package io.berth.mirror.source;

import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.impl.AbstractResponse;
import io.etcd.jetcd.kv.GetResponse;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The protobuf {@link RangeResponse} under a jetcd {@link GetResponse}, so a list page's keys and values are copied
 * straight out of the protobuf key-values. jetcd's {@code GetResponse.getKvs()} wraps every key-value of the page in
 * its own {@code KeyValue} through a stream, each key and value in a {@code ByteSequence} that hashes all of its bytes
 * when made: a list of 155,000 objects paid for hashing ~95 MB nobody reads, and C2 spent 1.4-2.5 s (on the one C2
 * thread of a two-core machine, during the first sync) compiling that stream's lambda before it got to the decoder.
 * jetcd keeps the response in a protected field with no public getter; this reads it once per page through a
 * {@link VarHandle}. If that is not possible (a jetcd whose layout differs), {@link #of} returns null and the caller
 * uses {@code getKvs()}.
 */
final class RangePage
{
    private static final VarHandle RESPONSE = responseHandle();

    private RangePage()
    {
    }

    /** The page's protobuf response, or null when jetcd's field cannot be read. Valid only without a namespace. */
    static RangeResponse of(final GetResponse page)
    {
        if (RESPONSE == null)
        {
            return null;
        }
        final Object response = RESPONSE.get((AbstractResponse<?>)page);
        return response instanceof RangeResponse range ? range : null;
    }

    private static VarHandle responseHandle()
    {
        try
        {
            return MethodHandles.privateLookupIn(AbstractResponse.class, MethodHandles.lookup())
                .findVarHandle(AbstractResponse.class, "response", Object.class);
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            return null;
        }
    }
}
