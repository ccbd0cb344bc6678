package io.berth.mirror.codec;

import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactoryBuilder;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;

import java.io.IOException;
import java.io.Reader;

/**
 * A YAML factory whose parsers tell the anchor of every node, scalars included: Jackson's own parser keeps the
 * anchors of collections only. Create parsers from a {@link Reader}, the one path this factory overrides.
 */
final class AnchorAwareYamlFactory extends YAMLFactory
{
    AnchorAwareYamlFactory(final YAMLFactoryBuilder builder)
    {
        super(builder);
    }

    protected YAMLParser _createParser(final Reader reader, final IOContext context) throws IOException
    {
        return new Parser(context, _parserFeatures, _yamlParserFeatures, _loaderOptions, _objectCodec, reader);
    }

    /** A YAML parser that remembers the anchor of the event behind its current token. */
    static final class Parser extends YAMLParser
    {
        private String eventAnchor;

        Parser(
            final IOContext context,
            final int parserFeatures,
            final int yamlFeatures,
            final LoaderOptions loaderOptions,
            final ObjectCodec codec,
            final Reader reader)
        {
            super(context, parserFeatures, yamlFeatures, loaderOptions, codec, reader);
        }

        protected Event getEvent() throws IOException
        {
            final Event event = super.getEvent();
            eventAnchor = event instanceof NodeEvent node ? node.getAnchor() : null;
            return event;
        }

        /** The anchor ({@code &name}) of the current value, scalar or collection, or null. */
        String anchor()
        {
            return isCurrentAlias() ? null : eventAnchor;
        }
    }
}
