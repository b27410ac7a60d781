using System;
using Vmdq.Toolkit.Classification;

namespace Vmdq.Toolkit.Runtime.Tests;

/// <summary>
/// The kernels read tables without bounds checks, so <see cref="ProbeTable"/> and <see cref="ClassifierTables"/>
/// refuse data whose lengths do not match what the shifts address, with messages that say what is wrong.
/// </summary>
public class KernelTablesValidationTests
{
    [Fact]
    public void ProbeTableAcceptsExactLengths()
    {
        // 4 buckets (shift 62) of 8 bytes, 8 slots (shift 61) of 16 bytes.
        var table = new ProbeTable(new byte[32], new byte[128], 62, 61);
        Assert.True(table.IsValid);
        Assert.Equal(160, table.Bytes);
    }

    [Theory]
    [InlineData(31, 128, "displacements", "4 buckets of 8 bytes (32 bytes), but displacements has 31 bytes")]
    [InlineData(32, 127, "slots", "8 slots of 16 bytes (128 bytes), but slots has 127 bytes")]
    [InlineData(64, 128, "displacements", "4 buckets of 8 bytes (32 bytes), but displacements has 64 bytes")]
    public void ProbeTableRefusesLengthsTheShiftsDoNotAddress(int displacements, int slots, string parameter, string message)
    {
        var ex = Assert.Throws<ArgumentException>(() => new ProbeTable(new byte[displacements], new byte[slots], 62, 61));
        Assert.Equal(parameter, ex.ParamName);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(64, 61, "bucketShift")]
    [InlineData(32, 61, "bucketShift")]
    [InlineData(62, 0, "shift")]
    public void ProbeTableRefusesShiftsOutsideTheRange(int bucketShift, int shift, string parameter)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new ProbeTable(new byte[32], new byte[128], bucketShift, shift));
        Assert.Equal(parameter, ex.ParamName);
        Assert.Contains("33..63", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProbeTableRefusesNull()
    {
        Assert.Equal("displacements", Assert.Throws<ArgumentNullException>(() => new ProbeTable(null!, new byte[32], 63, 63)).ParamName);
        Assert.Equal("slots", Assert.Throws<ArgumentNullException>(() => new ProbeTable(new byte[16], null!, 63, 63)).ParamName);
    }

    [Fact]
    public void EmptyTableMissesEveryKey()
    {
        var empty = ProbeTable.Empty;
        foreach (ulong key in new[] { 0UL, 1UL, 0xFFFF_FFFF_FFFFUL, (1UL << 62) - 1 })
        {
            TableProbe.Probe(in empty, key, 0, ulong.MaxValue, out ulong hit);
            Assert.Equal(0UL, hit);
        }
    }

    [Fact]
    public void ClassifierTablesFillsMissingTablesAndChecksItsValues()
    {
        var tables = new ClassifierTables(4789, 0, 0, 0, default, default, default, default, default);
        Assert.Equal(5 * ProbeTable.Empty.Bytes, tables.TableBytes);
        Assert.Equal(4789, tables.VxlanPort);

        Assert.Equal("vxlanPort", Assert.Throws<ArgumentOutOfRangeException>(() => new ClassifierTables(0, 0, 0, 0, default, default, default, default, default)).ParamName);
        Assert.Equal("vxlanPort", Assert.Throws<ArgumentOutOfRangeException>(() => new ClassifierTables(65536, 0, 0, 0, default, default, default, default, default)).ParamName);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new ClassifierTables(4789, 0, 1UL << 40, 0, default, default, default, default, default));
        Assert.Equal("broadcastVerdict", ex.ParamName);
        Assert.Contains("40 bits", ex.Message, StringComparison.Ordinal);
    }
}
