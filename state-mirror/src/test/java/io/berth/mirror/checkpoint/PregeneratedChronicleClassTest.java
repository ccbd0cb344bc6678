package io.berth.mirror.checkpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checked-in {@code VanillaGlobalMutableState$$Native} (which spares a fresh JVM Chronicle's run-time javac on the
 * first map create/open) must be exactly what Chronicle Values generates now, and must be the class Chronicle uses.
 */
class PregeneratedChronicleClassTest
{
    private static final String NATIVE = "net.openhft.chronicle.hash.VanillaGlobalMutableState$$Native";
    private static final Path SOURCE =
        Path.of("src/main/java/net/openhft/chronicle/hash/VanillaGlobalMutableState$$Native.java");

    @TempDir
    Path dir;

    @Test
    void theCheckedInSourceIsWhatChronicleValuesGenerates() throws Exception
    {
        final Class<?> model = Class.forName("net.openhft.chronicle.values.ValueModel");
        final Object valueModel = model.getMethod("acquire", Class.class)
            .invoke(null, Class.forName("net.openhft.chronicle.hash.VanillaGlobalMutableState"));
        final Method generate = Class.forName("net.openhft.chronicle.values.Generators")
            .getDeclaredMethod("generateNativeClass", model, String.class);
        generate.setAccessible(true);
        final String generated = (String)generate.invoke(null, valueModel, "VanillaGlobalMutableState$$Native");
        final String checkedIn = Files.readString(SOURCE, StandardCharsets.UTF_8);
        assertThat(checkedIn.substring(checkedIn.indexOf("package ")))
            .as("regenerate %s: Generators.generateNativeClass(ValueModel.acquire(VanillaGlobalMutableState.class), " +
                "\"VanillaGlobalMutableState$$Native\") after a Chronicle upgrade", SOURCE)
            .isEqualTo(generated);
    }

    @Test
    void chronicleUsesTheClassFromTheClassPath() throws Exception
    {
        try (CheckpointFile checkpoint = CheckpointFile.create(dir.resolve("c.cm"), new CheckpointFile.Sizing(100, 40, 100)))
        {
            checkpoint.commit(1, 0, 0);
        }
        final Class<?> used = Class.forName(NATIVE, false, CheckpointFile.class.getClassLoader());
        assertThat(used.getProtectionDomain().getCodeSource()).isNotNull();
        assertThat(used.getProtectionDomain().getCodeSource().getLocation().toString())
            .as("loaded from berth's classes, not defined by Chronicle's run-time compiler")
            .contains("state-mirror");
    }
}
