package io.berth.mirror.source;

/** The {@link ClusterSource} contract against {@link EmbeddedStore} with a delivery thread per watch (the default). */
class EmbeddedStoreContractTest extends ClusterSourceContract
{
    @Override
    protected ClusterSource newSource()
    {
        return new EmbeddedStore();
    }

    @Override
    protected int listPageSize()
    {
        return 500;
    }
}
