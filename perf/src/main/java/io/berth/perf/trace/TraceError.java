package io.berth.perf.trace;

/** A line of a trace file that could not be used: which file, which line (1-based), and why. */
public record TraceError(String source, long line, String message)
{
    @Override
    public String toString()
    {
        return source + ":" + line + ": " + message;
    }
}
