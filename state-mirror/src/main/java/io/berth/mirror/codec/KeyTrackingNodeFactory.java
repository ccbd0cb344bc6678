package io.berth.mirror.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.HashSet;
import java.util.Set;

/**
 * Builds object nodes that remember which keys appeared more than once (Jackson keeps the last value), so a
 * repeated resource name can be reported instead of silently dropped.
 */
final class KeyTrackingNodeFactory extends JsonNodeFactory
{
    KeyTrackingNodeFactory()
    {
        super(false);
    }

    public ObjectNode objectNode()
    {
        return new KeyTrackingObjectNode(this);
    }

    /** True if {@code node} is an object read with {@code key} more than once. */
    static boolean isRepeated(final JsonNode node, final String key)
    {
        return node instanceof KeyTrackingObjectNode tracking && tracking.repeated != null &&
            tracking.repeated.contains(key);
    }

    @SuppressWarnings("unchecked") // ObjectNode.deepCopy() narrows JsonNode's generic deepCopy(); not ours to fix
    static final class KeyTrackingObjectNode extends ObjectNode
    {
        private Set<String> repeated;

        KeyTrackingObjectNode(final JsonNodeFactory factory)
        {
            super(factory);
        }

        public JsonNode replace(final String propertyName, final JsonNode value)
        {
            final JsonNode old = super.replace(propertyName, value);
            if (old != null)
            {
                if (repeated == null)
                {
                    repeated = new HashSet<>();
                }
                repeated.add(propertyName);
            }
            return old;
        }
    }
}
