package io.berth.sched.plugins.nodeaffinity;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import io.berth.sched.framework.Kernels;
import io.berth.sched.model.NodeSelectorRequirement;
import io.berth.sched.model.NodeSelectorTerm;
import io.berth.sched.table.LongColumn;
import io.berth.sched.table.NodeTable;
import io.berth.sched.table.SegmentArray;

/**
 * A pod's node selector and node affinity terms compiled against the node table into a flat program of
 * requirement ops over label columns, evaluated per slot (scalar) or one op at a time over all slots in chunks of
 * {@link Kernels#LANES} (vector).
 * <p>
 * The program has a base conjunction (the pod's {@code spec.nodeSelector}) and a list of terms, each a
 * conjunction of ops with a weight. Requirements whose outcome is the same for every node (a key no node has,
 * a value no node has, a field other than {@code metadata.name}) are folded at compile time: a constant-true op
 * is left out, a constant-false op drops its term. Terms kube cannot parse (its lazy parse errors) and empty
 * terms are dropped too: they never match. All arrays are reused between pods.
 */
final class SelectorProgram
{
    static final String NAME_FIELD = "metadata.name";

    static final int OP_IN = 0;
    static final int OP_NOT_IN = 1;
    static final int OP_EXISTS = 2;
    static final int OP_DOES_NOT_EXIST = 3;
    static final int OP_GT = 4;
    static final int OP_LT = 5;
    static final int OP_NAME_IN = 6;
    static final int OP_NAME_NOT_IN = 7;

    private static final int FOLD_TRUE = 1;
    private static final int FOLD_FALSE = 2;
    private static final int EMITTED = 3;

    // ops
    private int opCount;
    private int[] opKind = new int[16];
    private LongColumn[] opColumn = new LongColumn[16];
    private LongColumn[] opValid = new LongColumn[16];
    private final SegmentArray opSegment = new SegmentArray(16);
    private final SegmentArray opValidSegment = new SegmentArray(16);
    private int[] opValueStart = new int[16];
    private int[] opValueEnd = new int[16];
    private long[] opArg = new long[16];
    private long[] values = new long[32];
    private int valueCount;

    // base conjunction (nodeSelector): ops [0, baseEnd)
    private int baseEnd;
    private boolean baseFalse;

    // terms: ops [termStart[t], termEnd[t])
    private int termCount;
    private int[] termStart = new int[8];
    private int[] termEnd = new int[8];
    private long[] termWeight = new long[8];
    private boolean requireAnyTerm;

    // vector pass scratch, one boolean per slot, sized to the table's capacity at compile time
    private boolean[] scratchPass = new boolean[0];
    private boolean[] scratchAny = new boolean[0];
    private boolean[] scratchTerm = new boolean[0];
    private boolean[] scratchIn = new boolean[0];

    private NodeTable table;
    private final BiConsumer<String, String> selectorEntry = this::addSelectorEntry;

    /** Compiles kube's RequiredNodeAffinity: {@code nodeSelector} AND (null terms ? true : OR of terms). */
    void compileRequired(final Map<String, String> nodeSelector, final List<NodeSelectorTerm> terms, final NodeTable table)
    {
        reset(table);
        nodeSelector.forEach(selectorEntry);
        baseEnd = opCount;
        requireAnyTerm = terms != null;
        if (terms != null)
        {
            for (int i = 0, n = terms.size(); i < n; i++)
            {
                compileTerm(terms.get(i), 1);
            }
        }
        this.table = null;
    }

    /** Starts an empty weighted term list (kube's PreferredSchedulingTerms); add terms with {@link #addTerm}. */
    void compilePreferredStart(final NodeTable table)
    {
        reset(table);
        baseEnd = 0;
        requireAnyTerm = false;
    }

    /** Adds one preferred term; terms of weight 0 are skipped as kube does. */
    void addTerm(final NodeSelectorTerm term, final int weight)
    {
        if (weight != 0)
        {
            compileTerm(term, weight);
        }
    }

    /** Ends {@link #compilePreferredStart}. */
    void compilePreferredEnd()
    {
        this.table = null;
    }

    /** Number of terms that can match some node. */
    int termCount()
    {
        return termCount;
    }

    /** True when no node can pass: the base is constant false, or terms are required and none can match. */
    boolean matchesNothing()
    {
        return baseFalse || (requireAnyTerm && termCount == 0);
    }

    // ---------------------------------------------------------------- evaluation, scalar

    /** Scalar: does the slot pass the base conjunction and (when required) at least one term. */
    boolean matches(final int slot)
    {
        if (matchesNothing())
        {
            return false;
        }
        if (!allOps(0, baseEnd, slot))
        {
            return false;
        }
        if (!requireAnyTerm)
        {
            return true;
        }
        for (int t = 0; t < termCount; t++)
        {
            if (allOps(termStart[t], termEnd[t], slot))
            {
                return true;
            }
        }
        return false;
    }

    /** Scalar: sum of the weights of the terms the slot matches. */
    long score(final int slot)
    {
        long sum = 0;
        for (int t = 0; t < termCount; t++)
        {
            if (allOps(termStart[t], termEnd[t], slot))
            {
                sum += termWeight[t];
            }
        }
        return sum;
    }

    private boolean allOps(final int from, final int to, final int slot)
    {
        for (int op = from; op < to; op++)
        {
            if (!op(op, slot))
            {
                return false;
            }
        }
        return true;
    }

    private boolean op(final int op, final int slot)
    {
        switch (opKind[op])
        {
            case OP_IN:
                return hasValue(op, opColumn[op].get(slot));
            case OP_NOT_IN:
                return !hasValue(op, opColumn[op].get(slot));
            case OP_EXISTS:
                return opColumn[op].get(slot) != NodeTable.ABSENT;
            case OP_DOES_NOT_EXIST:
                return opColumn[op].get(slot) == NodeTable.ABSENT;
            case OP_GT:
                return opValid[op].get(slot) != 0 && opColumn[op].get(slot) > opArg[op];
            case OP_LT:
                return opValid[op].get(slot) != 0 && opColumn[op].get(slot) < opArg[op];
            case OP_NAME_IN:
                return slot == opArg[op];
            case OP_NAME_NOT_IN:
                return slot != opArg[op];
            default:
                throw new IllegalStateException("op " + opKind[op]);
        }
    }

    /** Value ids in the program are never ABSENT, so an absent label never matches In. */
    private boolean hasValue(final int op, final long valueId)
    {
        for (int i = opValueStart[op], end = opValueEnd[op]; i < end; i++)
        {
            if (values[i] == valueId)
            {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- evaluation, vector

    /*
     * The vector passes evaluate op at a time over all chunks (column at a time), keeping intermediate results
     * as boolean lanes in reusable arrays: every mask lives within one loop iteration, so none is ever boxed.
     */

    /** Vector: ORs {@code failBit} into the slots that do not pass; see {@link #matches}. */
    void filterVector(final long[] failBits, final long failBit, final int lo, final int limit)
    {
        final boolean[] pass = scratchPass;
        if (matchesNothing())
        {
            Arrays.fill(pass, lo, limit, false);
        }
        else
        {
            conjunction(0, baseEnd, pass, lo, limit);
            if (requireAnyTerm)
            {
                final boolean[] any = scratchAny;
                final boolean[] term = scratchTerm;
                Arrays.fill(any, lo, limit, false);
                for (int t = 0; t < termCount; t++)
                {
                    conjunction(termStart[t], termEnd[t], term, lo, limit);
                    orInto(any, term, lo, limit);
                }
                andInto(pass, any, lo, limit);
            }
        }
        for (int slot = lo; slot < limit; slot += Kernels.LANES)
        {
            Kernels.orBits(failBits, slot, VectorMask.fromArray(Kernels.LONGS, pass, slot).not(), failBit);
        }
    }

    /** Vector: writes the term weight sums of slots {@code [0, limit)}; see {@link #score}. */
    void scoreVector(final long[] scores, final int lo, final int limit)
    {
        Arrays.fill(scores, lo, limit, 0L);
        final boolean[] term = scratchTerm;
        for (int t = 0; t < termCount; t++)
        {
            conjunction(termStart[t], termEnd[t], term, lo, limit);
            final long weight = termWeight[t];
            for (int slot = lo; slot < limit; slot += Kernels.LANES)
            {
                final VectorMask<Long> m = VectorMask.fromArray(Kernels.LONGS, term, slot);
                Kernels.addWhere(LongVector.fromArray(Kernels.LONGS, scores, slot), LongVector.broadcast(Kernels.LONGS, weight), m)
                    .intoArray(scores, slot);
            }
        }
    }

    /** {@code acc[slot]} = AND of ops {@code [from, to)} (true for none). */
    private void conjunction(final int from, final int to, final boolean[] acc, final int lo, final int limit)
    {
        Arrays.fill(acc, lo, limit, true);
        for (int op = from; op < to; op++)
        {
            final MemorySegment column = opSegment.get(op);
            switch (opKind[op])
            {
                case OP_IN -> andIn(op, acc, lo, limit);
                case OP_NOT_IN -> andNotIn(op, acc, lo, limit);
                case OP_EXISTS -> andNotEqual(column, NodeTable.ABSENT, acc, lo, limit);
                case OP_DOES_NOT_EXIST -> andEqual(column, NodeTable.ABSENT, acc, lo, limit);
                case OP_GT -> andGreater(column, opValidSegment.get(op), opArg[op], acc, lo, limit);
                case OP_LT -> andLess(column, opValidSegment.get(op), opArg[op], acc, lo, limit);
                case OP_NAME_IN ->
                {
                    final int slot = (int)opArg[op];
                    final boolean inRange = slot >= lo && slot < limit;
                    final boolean keep = inRange && acc[slot];
                    Arrays.fill(acc, lo, limit, false);
                    if (inRange)
                    {
                        acc[slot] = keep;
                    }
                }
                case OP_NAME_NOT_IN ->
                {
                    final int slot = (int)opArg[op];
                    if (slot >= lo && slot < limit)
                    {
                        acc[slot] = false;
                    }
                }
                default -> throw new IllegalStateException("op " + opKind[op]);
            }
        }
    }

    /*
     * The kernels below each use constant operators and keep every mask within one loop iteration: the Vector API
     * intrinsics need both to compile to plain vector instructions instead of allocating fallbacks.
     */

    /** In: the slot's value id is one of the op's (never ABSENT, so an absent label is not In). */
    private void andIn(final int op, final boolean[] acc, final int lo, final int limit)
    {
        final int start = opValueStart[op];
        if (opValueEnd[op] - start == 1)
        {
            andEqual(opSegment.get(op), values[start], acc, lo, limit);
            return;
        }
        final boolean[] in = anyValue(op, lo, limit);
        andInto(acc, in, lo, limit);
    }

    /** NotIn: the slot's value id is none of the op's (an absent label is none). */
    private void andNotIn(final int op, final boolean[] acc, final int lo, final int limit)
    {
        final int start = opValueStart[op];
        if (opValueEnd[op] - start == 1)
        {
            andNotEqual(opSegment.get(op), values[start], acc, lo, limit);
            return;
        }
        final boolean[] in = anyValue(op, lo, limit);
        for (int slot = lo; slot < limit; slot += Kernels.LANES)
        {
            final VectorMask<Long> notIn = VectorMask.fromArray(Kernels.LONGS, in, slot).not();
            VectorMask.fromArray(Kernels.LONGS, acc, slot).and(notIn).intoArray(acc, slot);
        }
    }

    /** Scratch lanes: the slot's value id equals one of the op's values. */
    private boolean[] anyValue(final int op, final int lo, final int limit)
    {
        final MemorySegment column = opSegment.get(op);
        final boolean[] in = scratchIn;
        Arrays.fill(in, lo, limit, false);
        for (int i = opValueStart[op], end = opValueEnd[op]; i < end; i++)
        {
            final long id = values[i];
            for (int slot = lo; slot < limit; slot += Kernels.LANES)
            {
                final VectorMask<Long> eq = Kernels.load(column, slot).compare(VectorOperators.EQ, id);
                VectorMask.fromArray(Kernels.LONGS, in, slot).or(eq).intoArray(in, slot);
            }
        }
        return in;
    }

    private static void andEqual(final MemorySegment column, final long operand, final boolean[] acc, final int lo, final int limit)
    {
        for (int slot = lo; slot < limit; slot += Kernels.LANES)
        {
            final VectorMask<Long> m = Kernels.load(column, slot).compare(VectorOperators.EQ, operand);
            VectorMask.fromArray(Kernels.LONGS, acc, slot).and(m).intoArray(acc, slot);
        }
    }

    private static void andNotEqual(final MemorySegment column, final long operand, final boolean[] acc, final int lo, final int limit)
    {
        for (int slot = lo; slot < limit; slot += Kernels.LANES)
        {
            final VectorMask<Long> m = Kernels.load(column, slot).compare(VectorOperators.NE, operand);
            VectorMask.fromArray(Kernels.LONGS, acc, slot).and(m).intoArray(acc, slot);
        }
    }

    /** Gt: the label parsed as an integer ({@code valid != 0}) and is greater than the op's integer. */
    private static void andGreater(
        final MemorySegment numbers, final MemorySegment valid, final long operand, final boolean[] acc, final int lo, final int limit)
    {
        for (int slot = lo; slot < limit; slot += Kernels.LANES)
        {
            final VectorMask<Long> m = Kernels.load(valid, slot).compare(VectorOperators.NE, 0L)
                .and(Kernels.load(numbers, slot).compare(VectorOperators.GT, operand));
            VectorMask.fromArray(Kernels.LONGS, acc, slot).and(m).intoArray(acc, slot);
        }
    }

    /** Lt: the label parsed as an integer ({@code valid != 0}) and is less than the op's integer. */
    private static void andLess(
        final MemorySegment numbers, final MemorySegment valid, final long operand, final boolean[] acc, final int lo, final int limit)
    {
        for (int slot = lo; slot < limit; slot += Kernels.LANES)
        {
            final VectorMask<Long> m = Kernels.load(valid, slot).compare(VectorOperators.NE, 0L)
                .and(Kernels.load(numbers, slot).compare(VectorOperators.LT, operand));
            VectorMask.fromArray(Kernels.LONGS, acc, slot).and(m).intoArray(acc, slot);
        }
    }

    private static void orInto(final boolean[] acc, final boolean[] other, final int lo, final int limit)
    {
        for (int slot = lo; slot < limit; slot += Kernels.LANES)
        {
            VectorMask.fromArray(Kernels.LONGS, acc, slot).or(VectorMask.fromArray(Kernels.LONGS, other, slot)).intoArray(acc, slot);
        }
    }

    private static void andInto(final boolean[] acc, final boolean[] other, final int lo, final int limit)
    {
        for (int slot = lo; slot < limit; slot += Kernels.LANES)
        {
            VectorMask.fromArray(Kernels.LONGS, acc, slot).and(VectorMask.fromArray(Kernels.LONGS, other, slot)).intoArray(acc, slot);
        }
    }

    // ---------------------------------------------------------------- compilation

    private void reset(final NodeTable table)
    {
        this.table = table;
        final int capacity = table.capacity();
        if (scratchPass.length < capacity)
        {
            scratchPass = new boolean[capacity];
            scratchAny = new boolean[capacity];
            scratchTerm = new boolean[capacity];
            scratchIn = new boolean[capacity];
        }
        opCount = 0;
        valueCount = 0;
        baseEnd = 0;
        baseFalse = false;
        termCount = 0;
        requireAnyTerm = false;
    }

    /** nodeSelector key=value: the node has the key with exactly that value (kube's SelectorFromSet, no validation). */
    private void addSelectorEntry(final String key, final String value)
    {
        final LongColumn column = table.labelValueColumn(table.labelKeys().find(key));
        final int valueId = table.labelValues().find(value);
        if (column == null || valueId < 0)
        {
            baseFalse = true;
            return;
        }
        final int op = newOp(OP_IN, column);
        opValueStart[op] = valueCount;
        addValue(valueId);
        opValueEnd[op] = valueCount;
    }

    private void compileTerm(final NodeSelectorTerm term, final long weight)
    {
        final List<NodeSelectorRequirement> expressions = term.matchExpressions();
        final List<NodeSelectorRequirement> fields = term.matchFields();
        if (expressions.isEmpty() && fields.isEmpty())
        {
            return; // kube: a nil or empty term selects no objects
        }
        for (int i = 0, n = expressions.size(); i < n; i++)
        {
            if (!isValidExpression(expressions.get(i)))
            {
                return; // kube's parse error: the term never matches
            }
        }
        for (int i = 0, n = fields.size(); i < n; i++)
        {
            if (!isValidField(fields.get(i)))
            {
                return;
            }
        }
        final int opMark = opCount;
        final int valueMark = valueCount;
        boolean alwaysFalse = false;
        for (int i = 0, n = expressions.size(); i < n && !alwaysFalse; i++)
        {
            alwaysFalse = compileExpression(expressions.get(i)) == FOLD_FALSE;
        }
        for (int i = 0, n = fields.size(); i < n && !alwaysFalse; i++)
        {
            alwaysFalse = compileField(fields.get(i)) == FOLD_FALSE;
        }
        if (alwaysFalse)
        {
            opCount = opMark;
            valueCount = valueMark;
            return;
        }
        if (termCount == termStart.length)
        {
            final int size = termCount * 2;
            termStart = Arrays.copyOf(termStart, size);
            termEnd = Arrays.copyOf(termEnd, size);
            termWeight = Arrays.copyOf(termWeight, size);
        }
        termStart[termCount] = opMark;
        termEnd[termCount] = opCount;
        termWeight[termCount] = weight;
        termCount++;
    }

    /** kube's {@code labels.NewRequirement} checks, after mapping the v1 operator. */
    static boolean isValidExpression(final NodeSelectorRequirement r)
    {
        if (!LabelSyntax.isQualifiedName(r.key()))
        {
            return false;
        }
        final List<String> vals = r.values();
        switch (r.operator())
        {
            case "In", "NotIn":
                if (vals.isEmpty())
                {
                    return false;
                }
                break;
            case "Exists", "DoesNotExist":
                if (!vals.isEmpty())
                {
                    return false;
                }
                break;
            case "Gt", "Lt":
                if (vals.size() != 1 || !LabelSyntax.isInt64(vals.get(0)))
                {
                    return false;
                }
                break;
            default:
                return false;
        }
        for (int i = 0, n = vals.size(); i < n; i++)
        {
            if (!LabelSyntax.isValidLabelValue(vals.get(i)))
            {
                return false;
            }
        }
        return true;
    }

    /** kube's {@code nodeSelectorRequirementsAsFieldSelector}: In or NotIn with exactly one value; the key is not checked. */
    static boolean isValidField(final NodeSelectorRequirement r)
    {
        final String op = r.operator();
        return ("In".equals(op) || "NotIn".equals(op)) && r.values().size() == 1;
    }

    private int compileExpression(final NodeSelectorRequirement r)
    {
        final int keyId = table.labelKeys().find(r.key());
        final LongColumn column = table.labelValueColumn(keyId);
        final List<String> vals = r.values();
        switch (r.operator())
        {
            case "In":
            case "NotIn":
            {
                final boolean in = "In".equals(r.operator());
                if (column == null)
                {
                    return in ? FOLD_FALSE : FOLD_TRUE; // no node has the key
                }
                final int valueMark = valueCount;
                for (int i = 0, n = vals.size(); i < n; i++)
                {
                    final int valueId = table.labelValues().find(vals.get(i));
                    if (valueId >= 0)
                    {
                        addValue(valueId);
                    }
                }
                if (valueCount == valueMark)
                {
                    return in ? FOLD_FALSE : FOLD_TRUE; // no node has any of the values
                }
                final int op = newOp(in ? OP_IN : OP_NOT_IN, column);
                opValueStart[op] = valueMark;
                opValueEnd[op] = valueCount;
                return EMITTED;
            }
            case "Exists":
                if (column == null)
                {
                    return FOLD_FALSE;
                }
                newOp(OP_EXISTS, column);
                return EMITTED;
            case "DoesNotExist":
                if (column == null)
                {
                    return FOLD_TRUE;
                }
                newOp(OP_DOES_NOT_EXIST, column);
                return EMITTED;
            case "Gt":
            case "Lt":
            {
                if (column == null)
                {
                    return FOLD_FALSE;
                }
                final int op = newOp("Gt".equals(r.operator()) ? OP_GT : OP_LT, table.numericLabelColumn(keyId));
                final LongColumn valid = table.numericLabelValid(keyId);
                opValid[op] = valid;
                opValidSegment.set(op, valid.segment());
                opArg[op] = LabelSyntax.parseInt64(vals.get(0));
                return EMITTED;
            }
            default:
                throw new IllegalStateException("unvalidated operator " + r.operator());
        }
    }

    /**
     * A field requirement as kube's fields selector evaluates it: the node's fields hold only
     * {@code metadata.name}, so any other key reads as "" and the requirement is the same for every node.
     */
    private int compileField(final NodeSelectorRequirement r)
    {
        final boolean in = "In".equals(r.operator());
        final String value = r.values().get(0);
        if (!NAME_FIELD.equals(r.key()))
        {
            return value.isEmpty() == in ? FOLD_TRUE : FOLD_FALSE;
        }
        final int slot = value.isEmpty() ? -1 : table.slotOf(value);
        if (slot < 0)
        {
            return in ? FOLD_FALSE : FOLD_TRUE; // no node has that name
        }
        final int op = newOp(in ? OP_NAME_IN : OP_NAME_NOT_IN, null);
        opArg[op] = slot;
        return EMITTED;
    }

    private int newOp(final int kind, final LongColumn column)
    {
        if (opCount == opKind.length)
        {
            final int size = opCount * 2;
            opKind = Arrays.copyOf(opKind, size);
            opColumn = Arrays.copyOf(opColumn, size);
            opValid = Arrays.copyOf(opValid, size);
            opSegment.ensureCapacity(size);
            opValidSegment.ensureCapacity(size);
            opValueStart = Arrays.copyOf(opValueStart, size);
            opValueEnd = Arrays.copyOf(opValueEnd, size);
            opArg = Arrays.copyOf(opArg, size);
        }
        final int op = opCount++;
        opKind[op] = kind;
        opColumn[op] = column;
        opSegment.set(op, column == null ? null : column.segment());
        opValid[op] = null;
        opValidSegment.set(op, null);
        opValueStart[op] = 0;
        opValueEnd[op] = 0;
        opArg[op] = 0;
        return op;
    }

    private void addValue(final long valueId)
    {
        if (valueCount == values.length)
        {
            values = Arrays.copyOf(values, valueCount * 2);
        }
        values[valueCount++] = valueId;
    }
}
