package io.berth.mirror.codec;

/**
 * A problem with one object (or, with an empty kind and name, with a whole source) found while reading Kubernetes
 * objects. The object it names was skipped; {@link #toString()} reads like
 * {@code cluster.yaml: Pod default/web-1: spec.containers[0].resources.requests.cpu: cannot parse quantity "12x"}.
 *
 * @param source  where the object came from, usually a file name.
 * @param kind    the object's kind, or empty when unknown or for a problem with the whole source.
 * @param name    {@code namespace/name} for a pod, the name otherwise, {@code <unnamed #k>} for the k-th object of
 *                the source when it has none, or empty for a problem with the whole source.
 * @param field   the JSON path of the offending field, such as {@code spec.containers[0].image}, or empty.
 * @param message what is wrong.
 */
public record ObjectError(String source, String kind, String name, String field, String message)
{
    public ObjectError
    {
        source = source == null ? "" : source;
        kind = kind == null ? "" : kind;
        name = name == null ? "" : name;
        field = field == null ? "" : field;
        message = message == null ? "" : message;
    }

    public String toString()
    {
        final StringBuilder sb = new StringBuilder(source);
        if (!kind.isEmpty() || !name.isEmpty())
        {
            sb.append(": ").append(kind).append(kind.isEmpty() || name.isEmpty() ? "" : " ").append(name);
        }
        if (!field.isEmpty())
        {
            sb.append(": ").append(field);
        }
        return sb.append(": ").append(message).toString();
    }
}
