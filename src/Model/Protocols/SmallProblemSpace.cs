using Verify.Model.Runtime;

namespace Verify.Model.Protocols;

/// <summary>
/// The space small problems are drawn from, uniformly: d in [MinD, MaxD], Depth hidden layers of
/// widths in [MinWidth, MaxWidth] (the layers above the lowest get <see cref="UpperWidth"/>),
/// multi in [MinMulti, MaxMulti], a decay from <see cref="Decays"/> (or, with <see cref="MaxDecay"/>,
/// uniform in [0, MaxDecay]), and N = <see cref="Samples"/> points of <see cref="Data"/>, or with
/// <see cref="SamplesOverNStar"/> a log-uniform multiple in [1, SamplesOverNStar] of claim 3's measured
/// N*(K, d) (<see cref="MeasuredNStar"/>). Every draw meets the hypotheses by construction: grid
/// teachers have no two co-linear lowest-layer nodes, students are over-realized.
/// </summary>
public sealed record SmallProblemSpace(int MinD, int MaxD, int MinWidth, int MaxWidth, double Leak, double[] Decays, int MinMulti, int MaxMulti,
    int Samples, int Depth = 1, int UpperWidth = 2)
{
    /// <summary>Decay p uniform in [0, MaxDecay] instead of a draw from <see cref="Decays"/>; null: from the list.</summary>
    public double? MaxDecay { get; init; }

    /// <summary>N uniform in [<see cref="Samples"/>, this]; null: <see cref="Samples"/>.</summary>
    public int? MaxSamples { get; init; }

    /// <summary>N a log-uniform multiple in [1, this] of <see cref="MeasuredNStar"/>, rounded up to whole triplets; null: <see cref="Samples"/>.</summary>
    public double? SamplesOverNStar { get; init; }

    public SmallData Data { get; init; } = SmallData.Gaussian;

    /// <summary>Mini-batch size of the cases' training (null: full batch).</summary>
    public int? Batch { get; init; }

    public static SmallProblemSpace TwoLayer(double leak) => new(3, 6, 2, 3, leak, [0, 0.5], 2, 2, 200);

    /// <summary>The Nightly space: larger d and widths, multi up to 3.</summary>
    public static SmallProblemSpace TwoLayerWide(double leak) => new(2, 8, 2, 4, leak, [0, 0.5], 2, 3, 300);

    /// <summary>Three layers: d 3-5, teacher widths [2-3, 2], multi 2-3 at every hidden layer, N 100-200 Gaussian points, p 0.</summary>
    public static SmallProblemSpace ThreeLayer(double leak) => new(3, 5, 2, 3, leak, [0], 2, 3, 100, Depth: 2) { MaxSamples = 200 };

    /// <summary>Four layers: as <see cref="ThreeLayer"/>, teacher widths [2-3, 2, 2].</summary>
    public static SmallProblemSpace FourLayer(double leak) => ThreeLayer(leak) with { Depth = 3 };

    /// <summary>
    /// Claim 3's N*(K, d), teacher-aware points, as measured on the paper-size grid (docs/theorems/03: K 6-15, d 2-8,
    /// 5 seeds, slopes 2.32 in K and 1.39 in d): exp(-3.605) K^2.32 d^1.39, the least-squares fit in log N* with the
    /// measured slopes (8 points at K 6, d 3; 30 at K 9, d 4).
    /// </summary>
    public static double MeasuredNStar(int k, int d) => Math.Exp(-3.605) * Math.Pow(k, 2.32) * Math.Pow(d, 1.39);

    /// <summary>Case <paramref name="index"/> of stream <paramref name="stream"/> of run <paramref name="runSeed"/>.</summary>
    public SmallProblem Draw(long runSeed, string stream, int index)
    {
        var caseSeed = Seeds.Of(runSeed, stream, index);
        var random = new Random(unchecked((int)(caseSeed ^ (caseSeed >> 32))));
        var d = random.Next(MinD, MaxD + 1);
        var widths = new[] { random.Next(MinWidth, MaxWidth + 1) }.Concat(Enumerable.Repeat(UpperWidth, Depth - 1)).ToArray();
        var decay = Decays[random.Next(Decays.Length)];
        var multi = random.Next(MinMulti, MaxMulti + 1);
        if (MaxDecay is { } maxDecay) decay = Math.Round(maxDecay * random.NextDouble(), 3);
        var samples = Samples;
        if (SamplesOverNStar is { } factor)
        {
            var nStar = MeasuredNStar((1 + multi) * widths[0], d);
            samples = 3 * (int)Math.Ceiling(nStar * Math.Pow(factor, random.NextDouble()) / 3);
        }
        if (MaxSamples is { } most) samples = random.Next(Samples, most + 1);
        return new SmallProblem(d, widths, Leak, decay, multi, samples, caseSeed, Data, Batch: Batch);
    }
}
