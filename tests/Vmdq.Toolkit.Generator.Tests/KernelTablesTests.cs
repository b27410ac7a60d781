using System;
using System.Linq;
using CsCheck;
using Vmdq.Rules;
using Vmdq.Rules.Model;
using Vmdq.Rules.Reference;
using Vmdq.Rules.Tables;
using Vmdq.Toolkit.Classification;
using Vmdq.Toolkit.Generator.Tests.Infrastructure;

namespace Vmdq.Toolkit.Generator.Tests;

/// <summary>
/// The dispatch kernel takes its tables as data: tables built at run time from a rules file (here, from the
/// rules library's model, as a runtime engine does) classify exactly as the reference interpreter says,
/// through the same <see cref="FrameDispatch"/> loops and <see cref="DispatchKernel"/> generated dispatchers use.
/// </summary>
public class KernelTablesTests
{
    /// <summary>Every table probed.</summary>
    private readonly struct AllKinds : IRuleKinds
    {
        public static bool TunnelInner => true;
        public static bool Tunnel => true;
        public static bool MacVlan => true;
        public static bool Mac => true;
        public static bool Vlan => true;
        public static bool Groups => true;
    }

    /// <summary>Only the <c>vlan</c> table (and nothing else) probed.</summary>
    private readonly struct VlanOnly : IRuleKinds
    {
        public static bool TunnelInner => false;
        public static bool Tunnel => false;
        public static bool MacVlan => false;
        public static bool Mac => false;
        public static bool Vlan => true;
        public static bool Groups => false;
    }

    /// <summary>The kernel's tables of <paramref name="model"/>, built from the same table builder the generator uses.</summary>
    internal static ClassifierTables Build(RuleSet model)
    {
        var tables = DispatchTables.Build(model);
        ProbeTable Of(TableKind kind) =>
            tables.Tables.FirstOrDefault(t => t.Kind == kind) is { } t
                ? new ProbeTable(t.Table.Displacements, t.Table.Slots, t.Table.BucketShift, t.Table.Shift)
                : default;
        ulong Group(ResolvedRule? rule) => rule is null ? tables.DefaultBits : VerdictBits.Of(rule);
        return new ClassifierTables(
            model.VxlanPort, tables.DefaultBits, Group(tables.Broadcast), Group(tables.Multicast),
            Of(TableKind.TunnelInner), Of(TableKind.Tunnel), Of(TableKind.MacVlan), Of(TableKind.Mac), Of(TableKind.Vlan));
    }

    private static RuleSet Model(string rules)
    {
        var result = RulesCompiler.Compile("random.vmdq", rules);
        Assert.True(result.Model is not null, "Generated rules have errors:\n" + string.Join("\n", result.Diagnostics) + "\n" + rules);
        return result.Model!;
    }

    private static void AssertSame(ReferenceVerdict expected, Verdict actual, string what, string rules, byte[] frame)
    {
        var e = (expected.Pool, expected.Queue, expected.IsDrop, expected.RuleLine, (int)expected.Kind);
        var a = (actual.Pool, actual.Queue, actual.IsDrop, actual.RuleLine, (int)actual.Kind);
        if (e != a)
        {
            Assert.Fail($"{what}: {a}, but the reference says {e}\nframe: {Convert.ToHexString(frame)}\nrules:\n{rules}");
        }
    }

    [Fact]
    public void RuntimeBuiltTablesClassifyAsTheReference()
    {
        Gen.Select(RandomRules.File, RandomRules.Frame.Array[41]).Sample((rules, frames) =>
        {
            var model = Model(rules);
            var reference = new ReferenceClassifier(model);
            var tables = Build(model);

            // The batch loop takes four at a time (Decide4) and the rest one by one (Decide): 41 frames use both.
            var batch = new Verdict[frames.Length];
            FrameDispatch.ClassifyBatch<AllKinds, ParseVariants.Full>(frames, batch, tables);
            for (int i = 0; i < frames.Length; i++)
            {
                // Every truncation too: the parse's bounds feed the kernel's presence masks.
                for (int length = 0; length <= frames[i].Length; length += 7)
                {
                    var cut = frames[i].AsSpan(0, length).ToArray();
                    AssertSame(reference.Classify(cut), FrameDispatch.Classify<AllKinds, ParseVariants.Full>(cut, tables), "Classify", rules, cut);
                }

                AssertSame(reference.Classify(frames[i]), batch[i], $"ClassifyBatch[{i}]", rules, frames[i]);
            }
        }, iter: 40, threads: 1);
    }

    [Fact]
    public void KindsThatAreOffAreNeverProbed()
    {
        // The mac table holds a rule the frame matches, but a kernel specialised to vlan rules never reads it:
        // the frame (C-tag 150, which no vlan rule names) gets the default pool.
        var model = Model("nic pools 8 queues 2\npool web 1\npool db 2\nmac 52:54:00:12:34:56 -> web\nvlan 250 -> db\n");
        var tables = Build(model);
        byte[] frame = Convert.FromHexString("525400123456" + "0200000000aa" + "8100" + "0096" + "0800" + new string('0', 92));
        Assert.Equal(1, FrameDispatch.Classify<AllKinds, ParseVariants.Full>(frame, tables).Pool);
        var verdict = FrameDispatch.Classify<VlanOnly, ParseVariants.Full>(frame, tables);
        Assert.Equal((0, RuleKind.Default), (verdict.Pool, verdict.Kind));

        // And the vlan table it does probe decides a frame with C-tag 250.
        frame[15] = 250;
        verdict = FrameDispatch.Classify<VlanOnly, ParseVariants.Full>(frame, tables);
        Assert.Equal((2, RuleKind.Vlan, 5), (verdict.Pool, verdict.Kind, verdict.RuleLine));
    }

    [Fact]
    public void TablesTheRulesDoNotFillAreEmptyAndNeverHit()
    {
        // Only a mac rule: the other four tables are ProbeTable.Empty, which every probe misses, so a kernel
        // that probes all five still decides by the mac rule alone.
        var model = Model("nic pools 8 queues 2\npool web 1\nmac 52:54:00:12:34:56 -> web\n");
        var tables = Build(model);
        Assert.Equal(ProbeTable.Empty.Bytes * 4 + DispatchTables.Build(model).TableBytes, tables.TableBytes);
        foreach (var seed in Enumerable.Range(0, 200))
        {
            var frame = RandomRules.BuildFrame(seed);
            var expected = new ReferenceClassifier(model).Classify(frame);
            AssertSame(expected, FrameDispatch.Classify<AllKinds, ParseVariants.Full>(frame, tables), "Classify", "mac only", frame);
        }
    }
}
