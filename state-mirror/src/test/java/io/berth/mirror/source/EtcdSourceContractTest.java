package io.berth.mirror.source;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The {@link ClusterSource} contract against a real etcd process through {@link EtcdSource}. */
class EtcdSourceContractTest extends ClusterSourceContract
{
    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer();

    @Override
    protected ClusterSource newSource()
    {
        return new EtcdSource(new EtcdSource.Context().endpoint(ETCD.endpoint()));
    }

    @Override
    protected int listPageSize()
    {
        return EtcdSource.Context.LIST_PAGE_SIZE_DEFAULT;
    }
}
