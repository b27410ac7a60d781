using System.Runtime.Intrinsics;
using CsCheck;
using Vmdq.Toolkit.Classification;
using AllKinds = Vmdq.Toolkit.Classification.RuleKinds<Vmdq.Toolkit.Classification.On, Vmdq.Toolkit.Classification.On, Vmdq.Toolkit.Classification.On, Vmdq.Toolkit.Classification.On, Vmdq.Toolkit.Classification.On, Vmdq.Toolkit.Classification.On, Vmdq.Toolkit.Classification.Off>;

namespace Vmdq.Toolkit.Runtime.Tests;

/// <summary>
/// The dispatch kernel's probe keys (DispatchKernel.VlanKey and the others, which Decide and the prefetch steps share):
/// a key is made of the frame's fields where the frame has them and is 0 where it lacks them, whatever bytes the
/// absent fields hold (no C-tag, no tunnel, no inner header), so such a probe reads one fixed slot instead of a random
/// one; the four-lane keys are the one-frame keys lane by lane.
/// </summary>
public class ProbeKeyTests
{
    private static readonly Gen<ulong> Field = Gen.ULong[0, (1UL << 48) - 1];

    private static readonly Gen<ParsedFrame> Frame =
        Gen.Select(Field.Array[6], Gen.Int[0, 31]).Select((v, present) => new ParsedFrame
        {
            Dst = v[0],
            HasDst = (present & 1) != 0 ? ulong.MaxValue : 0,
            Cvid = v[1] & 0xFFF,
            HasCvid = (present & 2) != 0 ? ulong.MaxValue : 0,
            TunnelId = v[2] & 0xFF_FFFF,
            IsVxlan = (present & 12) == 4 ? ulong.MaxValue : 0,
            IsNvgre = (present & 12) == 8 ? ulong.MaxValue : 0,
            InnerDst = v[3],
            HasInnerDst = (present & 16) != 0 && (present & 12) is 4 or 8 ? ulong.MaxValue : 0,
        });

    private static ulong Scalar(ParsedFrame f, int which, out ulong extra)
    {
        extra = 0;
        return which switch
        {
            0 => DispatchKernel.VlanKey<AllKinds, ScalarLanes, ulong, ParsedFrame>(in f, 0),
            1 => DispatchKernel.MacKey<AllKinds, ScalarLanes, ulong, ParsedFrame>(in f, 0),
            2 => DispatchKernel.MacVlanKey<ScalarLanes, ulong, ParsedFrame>(in f, out _),
            3 => DispatchKernel.TunnelKey<AllKinds, ScalarLanes, ulong, ParsedFrame>(in f, 0, out _),
            _ => DispatchKernel.InnerKey<AllKinds, ScalarLanes, ulong, ParsedFrame>(in f, 0, out extra),
        };
    }

    [Fact]
    public void KeysAreTheFieldsWhereTheFrameHasThemAndZeroWhereItLacksThem() =>
        Frame.Sample(f =>
        {
            ulong nvgreBit = f.IsNvgre & 1;
            bool tunnel = (f.IsVxlan | f.IsNvgre) != 0;
            Assert.Equal(f.HasCvid != 0 ? f.Cvid : 0, Scalar(f, 0, out _));
            Assert.Equal(f.HasDst != 0 ? f.Dst : 0, Scalar(f, 1, out _));
            Assert.Equal(f.HasDst != 0 && f.HasCvid != 0 ? f.Dst | (f.Cvid << VerdictLayout.MacVlanShift) : 0, Scalar(f, 2, out _));
            Assert.Equal(tunnel ? f.TunnelId | (nvgreBit << VerdictLayout.TunnelTypeBit) : 0, Scalar(f, 3, out _));
            Assert.Equal(f.HasInnerDst != 0 ? f.InnerDst | (nvgreBit << VerdictLayout.InnerTypeBit) : 0, Scalar(f, 4, out ulong extra));
            Assert.Equal(f.HasInnerDst != 0 ? f.TunnelId : 0, extra);
        }, iter: 5_000);

    [Fact]
    public void FourLaneKeysAreTheOneFrameKeysLaneByLane() =>
        Frame.Array[4].Sample(frames =>
        {
            var four = new ParsedFrame4
            {
                Dst = Lanes(frames, f => f.Dst),
                HasDst = Lanes(frames, f => f.HasDst),
                Cvid = Lanes(frames, f => f.Cvid),
                HasCvid = Lanes(frames, f => f.HasCvid),
                TunnelId = Lanes(frames, f => f.TunnelId),
                IsVxlan = Lanes(frames, f => f.IsVxlan),
                IsNvgre = Lanes(frames, f => f.IsNvgre),
                InnerDst = Lanes(frames, f => f.InnerDst),
                HasInnerDst = Lanes(frames, f => f.HasInnerDst),
            };
            var zero = Vector256<ulong>.Zero;
            var keys = new[]
            {
                DispatchKernel.VlanKey<AllKinds, Vector256Lanes, Vector256<ulong>, ParsedFrame4>(in four, zero),
                DispatchKernel.MacKey<AllKinds, Vector256Lanes, Vector256<ulong>, ParsedFrame4>(in four, zero),
                DispatchKernel.MacVlanKey<Vector256Lanes, Vector256<ulong>, ParsedFrame4>(in four, out _),
                DispatchKernel.TunnelKey<AllKinds, Vector256Lanes, Vector256<ulong>, ParsedFrame4>(in four, zero, out _),
                DispatchKernel.InnerKey<AllKinds, Vector256Lanes, Vector256<ulong>, ParsedFrame4>(in four, zero, out var extra),
            };
            for (int k = 0; k < 4; k++)
            {
                for (int which = 0; which < keys.Length; which++)
                {
                    Assert.Equal(Scalar(frames[k], which, out ulong scalarExtra), keys[which].GetElement(k));
                    if (which == 4)
                    {
                        Assert.Equal(scalarExtra, extra.GetElement(k));
                    }
                }
            }
        }, iter: 2_000);

    private static Vector256<ulong> Lanes(ParsedFrame[] frames, System.Func<ParsedFrame, ulong> field) =>
        Vector256.Create(field(frames[0]), field(frames[1]), field(frames[2]), field(frames[3]));
}
