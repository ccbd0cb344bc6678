package io.berth.sched.plugins.tainttoleration;

import java.util.Arrays;
import java.util.List;

import io.berth.sched.model.Taint;
import io.berth.sched.model.Toleration;
import io.berth.sched.table.NodeTable;
import io.berth.sched.table.SegmentArray;

/**
 * A pod's tolerations compiled over the table's interned taints: bit {@code id & 63} of {@code masks[id >>> 6]} is
 * set for every taint of the selected effects the pod does not tolerate, and {@code words} lists the words with
 * any bit set. Arrays are reused across pods; they grow only when the table interns more taint words.
 */
final class TaintMasks
{
    long[] masks = new long[1];
    int[] words = new int[1];
    final SegmentArray columns = new SegmentArray(1);
    int wordCount;

    /**
     * Compiles the masks: with {@code prefer} false over NoSchedule/NoExecute taints against all tolerations
     * (Filter), with {@code prefer} true over PreferNoSchedule taints against the tolerations whose effect is
     * empty or PreferNoSchedule (Score). Returns true if any interned taint is intolerable.
     */
    boolean compile(final NodeTable table, final List<Toleration> tolerations, final boolean prefer)
    {
        final int wordTotal = table.taintWordCount();
        if (masks.length < wordTotal)
        {
            masks = new long[wordTotal];
            words = new int[wordTotal];
            columns.ensureCapacity(wordTotal);
        }
        Arrays.fill(masks, 0, wordTotal, 0L);
        for (int id = 0, n = table.taints().size(); id < n; id++)
        {
            final Taint taint = table.taint(id);
            final boolean selected = prefer ? Taint.PREFER_NO_SCHEDULE.equals(taint.effect()) : TaintToleration.isHard(taint.effect());
            if (selected && !TaintToleration.tolerated(tolerations, taint, prefer))
            {
                masks[id >>> 6] |= 1L << (id & 63);
            }
        }
        int count = 0;
        for (int w = 0; w < wordTotal; w++)
        {
            if (masks[w] != 0)
            {
                words[count++] = w;
            }
        }
        wordCount = count;
        return count > 0;
    }

    /** Reads the current segments of the active words' columns into {@link #columns}; returns the word count. */
    int bind(final NodeTable table)
    {
        for (int i = 0; i < wordCount; i++)
        {
            columns.set(i, table.taintWord(words[i]).segment());
        }
        return wordCount;
    }
}
