using NUnit.Framework;
using Shouldly;
using Verify.Model.Claims;
using Verify.Model.Evidence;
using Verify.Model.Theory;
using Verify.Model.Training;

namespace Verify.Properties.Claims;

/// <summary>
/// Claim 3's bound as code and its scaling judge (<see cref="SampleSizeClaim.Judge"/>) on ladders
/// with known N*: the fit recovers the exponents it is given, an N* growing as K^4 fails, one growing
/// as K d holds, Gaussian data leaves the claim silent, a censored ladder cannot support "holds",
/// and a ladder that reaches the bound's own N without specializing refutes the bound. The
/// measured ladders are in tests/Experiments/SampleSize/SampleScalingTest.
/// </summary>
[TestFixture]
public sealed class SampleComplexityTest
{
    static readonly SampleComplexity Bound = SampleScalingSettings.Bound;
    static readonly SampleScalingSettings Settings = SampleScalingSettings.Corner;

    [Test]
    public void Bound_GrowsAsKToTheFiveHalvesAndDCubedOverEps()
    {
        (Bound.RequiredSamples(12, 2, 1) / Bound.RequiredSamples(6, 2, 1)).ShouldBe(Math.Pow(2, 2.5), 1e-12);
        (Bound.RequiredSamples(6, 4, 1) / Bound.RequiredSamples(6, 2, 1)).ShouldBe(8, 1e-12);
        (Bound.RequiredSamples(6, 2, 0.5) / Bound.RequiredSamples(6, 2, 1)).ShouldBe(2, 1e-12);
        (Bound.GradientThreshold(6, 2, 1) / Bound.GradientThreshold(12, 8, 1)).ShouldBe(Math.Pow(2, 1.5) * 2, 1e-12);
        Should.Throw<ArgumentOutOfRangeException>(() => Bound.RequiredSamples(6, 2, 0)).Message.ShouldContain("eps");
    }

    [Test]
    public void Ladder_IsWholeTripletsUpToTheSmallerOfTheCapAndTheBound()
    {
        var ladder = Settings.Ladder(6, 2);
        ladder.ShouldBe([3, 6, 9, 12, 18, 24, 36, 48, 72, 96]);
        (Settings with { MaxSamples = 1_000_000 }).Ladder(6, 2)[^1].ShouldBe(14_112, "the bound's 14,109 points in whole triplets");
    }

    [Test]
    public void Fit_RecoversTheExponentsOfAnExactPowerLaw()
    {
        var outcome = SampleSizeClaim.Judge(Synthetic((k, d) => 0.5 * Math.Pow(k, 1.7) * Math.Pow(d, 0.8), noise: 0.05), Settings);
        outcome.Numbers.SlopeK.ShouldBe(1.7, 0.15, outcome.ToString());
        outcome.Numbers.SlopeD.ShouldBe(0.8, 0.15, outcome.ToString());
        outcome.Numbers.SlopeKCi95[0].ShouldBeLessThan(1.7);
        outcome.Numbers.SlopeKCi95[1].ShouldBeGreaterThan(1.7);
    }

    [Test]
    public void NStarGrowingAsKToTheFourth_Fails()
    {
        var outcome = SampleSizeClaim.Judge(Synthetic((k, d) => 0.01 * Math.Pow(k, 4) * d, noise: 0.05), Settings);
        outcome.Verdict.ShouldBe(Verdict.Fails, outcome.ToString());
    }

    [Test]
    public void NStarGrowingAsKTimesD_Holds()
    {
        var outcome = SampleSizeClaim.Judge(Synthetic((k, d) => k * d, noise: 0.05), Settings);
        outcome.Verdict.ShouldBe(Verdict.Holds, outcome.ToString());
        outcome.ConclusionObserved.ShouldBe(true);
    }

    [Test]
    public void GaussianData_LeavesTheClaimSilent()
    {
        var outcome = SampleSizeClaim.Judge(Synthetic((k, d) => k * d, noise: 0.05, data: ScalingData.Gaussian), Settings);
        outcome.Verdict.ShouldBe(Verdict.Inconclusive, outcome.ToString());
        outcome.Reason!.ShouldContain("not teacher-aware");
    }

    [Test]
    public void ACensoredLadder_CannotSupportHolds()
    {
        var points = Synthetic((k, d) => k * d, noise: 0.05).ToList();
        points[0] = points[0] with { Runs = [Run(points[0].K, points[0].D, 96, specialized: false)] };
        var outcome = SampleSizeClaim.Judge(points, Settings);
        outcome.Verdict.ShouldBe(Verdict.Inconclusive, outcome.ToString());
        outcome.Numbers.Censored.ShouldBe(1);
    }

    [Test]
    public void ALadderThatNeverReachedTheLevel_IsLeftOutLikeAnInconclusiveCase()
    {
        var points = Synthetic((k, d) => k * d, noise: 0.05).ToList();
        points[0] = points[0] with { Runs = [Run(points[0].K, points[0].D, 96, specialized: false) with { Outcome = TrainingOutcome.BudgetExhausted, MaxSampleGradient = 0.5 }] };
        var outcome = SampleSizeClaim.Judge(points, Settings);
        outcome.Verdict.ShouldBe(Verdict.Holds, outcome.ToString());
        outcome.Numbers.Unreached.ShouldBe(1);
        outcome.Numbers.Censored.ShouldBe(0);
    }

    [Test]
    public void NotSpecializedAtTheBoundsOwnN_Fails()
    {
        var points = Synthetic((k, d) => k * d, noise: 0.05).ToList();
        var p = points[0];
        var n = p.BoundSamples;
        points[0] = p with { Ladder = [n], Runs = [Run(p.K, p.D, n, specialized: false)] };
        var outcome = SampleSizeClaim.Judge(points, Settings);
        outcome.Verdict.ShouldBe(Verdict.Fails, outcome.ToString());
        outcome.Evidence.ShouldContain("NOT specialized at the bound's N");
    }

    /// <summary>Ladders whose N* is <paramref name="nStar"/>(K, d) times a seeded log-normal factor, on K {6, 9, 12}, d {2, 4, 8}, 3 seeds.</summary>
    static IReadOnlyList<ScalingPoint> Synthetic(Func<int, int, double> nStar, double noise, ScalingData data = ScalingData.TeacherAware)
    {
        var random = new Random(7);
        return (from k in new[] { 6, 9, 12 }
                from d in new[] { 2, 4, 8 }
                from s in Enumerable.Range(0, 3)
                let n = Math.Max(1, (int)Math.Round(nStar(k, d) * Math.Exp(noise * (random.NextDouble() * 2 - 1))))
                select new ScalingPoint(k, d, s, data, SampleScalingSettings.BoundSamples(k, d), [n], [Run(k, d, n, specialized: true, data)])).ToArray();
    }

    static ScalingRun Run(int k, int d, int n, bool specialized, ScalingData data = ScalingData.TeacherAware) =>
        new(k, d, 0, 0, data, n, 1e-3, TrainingOutcome.ReachedGradientTarget, 5e-4, 1000, specialized ? [1.0, 0.99] : [1.0, 0.2], 0);
}
