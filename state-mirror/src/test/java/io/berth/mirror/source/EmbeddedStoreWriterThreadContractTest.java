package io.berth.mirror.source;

/** The {@link ClusterSource} contract against {@link EmbeddedStore} delivering on the writer's thread. */
class EmbeddedStoreWriterThreadContractTest extends ClusterSourceContract
{
    @Override
    protected ClusterSource newSource()
    {
        return new EmbeddedStore(new EmbeddedStore.Context().deliverOnWriterThread(true));
    }

    @Override
    protected int listPageSize()
    {
        return 500;
    }
}
