using System.Globalization;
using Verify.Model.Claims;
using Verify.Model.Hunt;
using Verify.Model.Protocols;
using static TorchSharp.torch;

namespace Verify.Properties.Hunt;

/// <summary>
/// A false claim planted for the hunt's tests, judged on cheap evidence (the teacher alone, no data and no
/// training): "every lowest-layer teacher node's fan-out norm is at least
/// <see cref="Threshold"/> of the strongest's". It fails where the decay p is large, the layer wide and the
/// weakest node's random fan-out row short: in a few cases of a thousand drawn as the theorem checks draw
/// (only the decay family reaches p 2.5). A teacher of one node misses the hypothesis (inconclusive). The
/// margin is the ratio less the threshold, as a claim's margin reads its judge's numbers.
/// </summary>
public static class PlantedClaim
{
    public const string Id = "planted.fan-out-ratio";

    /// <summary>The weakest over the strongest fan-out norm of the lowest layer's nodes (two-layer teachers).</summary>
    public static double FanOutRatio(SmallProblem p)
    {
        using var scope = NewDisposeScope();
        using var teacher = p.BuildTeacher();
        var v = teacher.WeightArrays()[^1];
        var norms = Enumerable.Range(0, p.Widths[^1]).Select(j => Math.Sqrt(Enumerable.Range(0, v.GetLength(1)).Sum(o => v[j, o] * v[j, o]))).ToArray();
        return norms.Min() / norms.Max();
    }

    public static HuntJudgement Judge(SmallProblem p, double threshold)
    {
        if (p.Widths[0] < 2) return new HuntJudgement(Verdict.Inconclusive, double.NaN, "hypothesis missed: one teacher node", p.ToString());
        var ratio = FanOutRatio(p);
        var verdict = ratio >= threshold ? Verdict.Holds : Verdict.Fails;
        return new HuntJudgement(verdict, ratio - threshold, null, string.Create(CultureInfo.InvariantCulture, $"{p}: weakest / strongest fan-out {ratio:0.####} (at least {threshold})"));
    }

    /// <summary>The planted claim as a hunt target over every family of the theorem checks, ReLU and leaky.</summary>
    public static HuntTarget Target(double threshold = Threshold) => new()
    {
        Claim = Id, Reading = Reading.Hyperplane, Families = CaseFamily.All.Select(HuntFamily.Of).ToArray(), Leaks = TheoremChecks.Activations,
        Judge = (p, _) => Judge(p, threshold), MarginDescription = "weakest / strongest fan-out - threshold",
    };

    /// <summary>The planted claim's level: rare at random (measured: printed by the comparison test).</summary>
    public const double Threshold = 0.04;

    public static HuntIdentity Identity(long seed) => new(Id, Reading.Hyperplane, seed);
}
