package io.berth.perf.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JvmThreadCpuTest
{
    @Test
    void readsTheNameAndCpuOfAStatLineWhoseNameHoldsSpacesAndParentheses()
    {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
        final String stat = "4242 (C2 Compiler) (x)) S 1 4242 4242 0 -1 4194624 100 0 0 0 1234 56 0 0 20 0 30 0";
        assertEquals("C2 Compiler) (x)", JvmThreadCpu.threadName(stat));
        assertEquals(12.90, JvmThreadCpu.cpuSeconds(stat), 1e-9);
    }

    @Test
    void refusesWhatIsNotAStatLine()
    {
        assertThrows(IllegalArgumentException.class, () -> JvmThreadCpu.threadName("no name here"));
        assertThrows(IllegalArgumentException.class, () -> JvmThreadCpu.cpuSeconds("no name here"));
    }

    @Test
    void countsThisProcessesCpuWhereProcExists()
    {
        final JvmThreadCpu before = JvmThreadCpu.now();
        long spin = 0;
        for (long i = 0; i < 300_000_000L; i++)
        {
            spin += i ^ (spin >>> 3);
        }
        final JvmThreadCpu d = JvmThreadCpu.now().since(before);
        if (JvmThreadCpu.available())
        {
            assertTrue(d.processSeconds > 0, "process cpu " + d.processSeconds + " (" + spin + ")");
        }
        else
        {
            assertEquals(0.0, d.processSeconds);
        }
    }
}
