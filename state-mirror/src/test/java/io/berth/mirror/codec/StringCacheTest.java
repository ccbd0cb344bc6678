package io.berth.mirror.codec;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StringCacheTest
{
    @Property
    void alwaysReturnsTheSameCharacters(
        @ForAll @Size(max = 200) final List<@StringLength(max = 150) String> values,
        @ForAll @IntRange(min = 1, max = 64) final int slots,
        @ForAll @IntRange(max = 5) final int padding)
    {
        final StringCache cache = new StringCache(slots);
        for (final String value : values)
        {
            final char[] chars = new char[padding + value.length() + padding];
            value.getChars(0, value.length(), chars, padding);
            assertThat(cache.get(chars, padding, value.length())).isEqualTo(value);
        }
    }

    /**
     * The byte path (ASCII, any hash of the bytes, here a deliberately poor one so slots collide), mixed with the char
     * path on one cache: always the same characters, and a repeat right after comes back as the same instance.
     */
    @Property
    void bytePathAlwaysReturnsTheSameCharacters(
        @ForAll @Size(max = 200) final List<@StringLength(max = 40) String> values,
        @ForAll @IntRange(min = 1, max = 16) final int slots,
        @ForAll @IntRange(max = 9) final int padding)
    {
        final StringCache cache = new StringCache(slots);
        for (final String raw : values)
        {
            final String value = ascii(raw);
            final byte[] bytes = new byte[padding + value.length() + padding];
            for (int i = 0; i < value.length(); i++)
            {
                bytes[padding + i] = (byte)value.charAt(i);
            }
            final int hash = value.length() % 3; // many strings share a hash: the words decide
            final String made = cache.get(bytes, padding, value.length(), hash);
            assertThat(made).isEqualTo(value);
            assertThat(cache.get(bytes, padding, value.length(), hash)).isSameAs(made);
            assertThat(cache.name(bytes, padding, value.length(), hash)).isEqualTo(value);
            assertThat(cache.get(value.toCharArray(), 0, value.length())).isEqualTo(value);
        }
    }

    private static String ascii(final String text)
    {
        final StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++)
        {
            sb.append((char)(text.charAt(i) & 0x7F));
        }
        return sb.toString();
    }

    @Test
    void repeatedCharactersComeBackAsOneInstance()
    {
        final StringCache cache = new StringCache(1024);
        final String first = cache.get("xxdefaultyy".toCharArray(), 2, 7);
        final String again = cache.get("default".toCharArray(), 0, 7);
        assertThat(first).isEqualTo("default");
        assertThat(again).isSameAs(first);
        final String longText = "a".repeat(StringCache.MAX_CACHED_CHARS + 1);
        assertThat(cache.get(longText.toCharArray(), 0, longText.length()))
            .isEqualTo(longText)
            .isNotSameAs(cache.get(longText.toCharArray(), 0, longText.length()));
    }

    @Test
    void collidingStringsEvictEachOtherWithoutMixingUp()
    {
        final StringCache cache = new StringCache(1); // every string in one slot
        assertThat(cache.get("Aa".toCharArray(), 0, 2)).isEqualTo("Aa");
        assertThat(cache.get("BB".toCharArray(), 0, 2)).isEqualTo("BB"); // same hashCode as "Aa"
        assertThat(cache.get("Aa".toCharArray(), 0, 2)).isEqualTo("Aa");
    }

    @Test
    void rejectsHostileSizes()
    {
        assertThatThrownBy(() -> new StringCache(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StringCache(1 << 25)).isInstanceOf(IllegalArgumentException.class);
    }
}
