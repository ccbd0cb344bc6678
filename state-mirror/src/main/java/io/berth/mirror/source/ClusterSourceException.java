package io.berth.mirror.source;

/**
 * A {@link ClusterSource} operation failed for a reason outside the contract's outcomes: the store did not answer in
 * time, the connection broke, or the server refused. The message names the store, the operation and the key.
 */
public final class ClusterSourceException extends RuntimeException
{
    public ClusterSourceException(final String message, final Throwable cause)
    {
        super(message, cause);
    }

    public ClusterSourceException(final String message)
    {
        super(message);
    }
}
