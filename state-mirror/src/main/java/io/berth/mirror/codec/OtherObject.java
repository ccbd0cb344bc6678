package io.berth.mirror.codec;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An object of a kind the reader does not map ({@code Service}, {@code ConfigMap}, a custom resource...),
 * kept as its JSON tree for later use.
 *
 * @param kind   the object's {@code kind}.
 * @param name   its {@code metadata.name}, or empty when it has none.
 * @param object the whole object; treat it as read-only.
 */
public record OtherObject(String kind, String name, JsonNode object)
{
}
