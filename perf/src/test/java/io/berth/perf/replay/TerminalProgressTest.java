package io.berth.perf.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class TerminalProgressTest
{
    @Test
    void theBarShowsEventsPlacedAndPendingOfTheRunningProfile()
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final TerminalProgress progress = new TerminalProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), 3_600_000);
        final ReplayCounters a = new ReplayCounters("least");
        final ReplayCounters b = new ReplayCounters("most");
        progress.start("t", List.of(a, b), 1000);
        a.update(1000, 900, 0, 50_000);
        b.update(250, 240, 7, 12_000);
        progress.tick();
        progress.stop();

        final String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("replay", "1250/2000", "most: placed 240, pending 7, t=12 s");
    }
}
