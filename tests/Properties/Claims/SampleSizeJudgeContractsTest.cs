using MathNet.Numerics.Distributions;
using NUnit.Framework;
using Shouldly;
using Verify.Model.Claims;
using Verify.Model.Evidence;
using Verify.Model.Training;

namespace Verify.Properties.Claims;

/// <summary>
/// Claim 3's scaling judge (<see cref="SampleSizeClaim.Judge"/>) and its least-squares fit, rule by
/// rule, on small hand-built grids: what each number is, when the fit exists, how the 95% interval
/// is computed (against the closed form of a balanced 2 x 2 design), which ladder is censored,
/// unreached or a refutation, and the reason each inconclusive verdict gives.
/// <see cref="SampleComplexityTest"/> judges whole synthetic grids.
/// </summary>
[TestFixture]
public sealed class SampleSizeJudgeContractsTest
{
    static readonly SampleScalingSettings Settings = SampleScalingSettings.Corner;

    static ScalingRun Run(int k, int d, int n, bool specialized = true, bool reached = true, ScalingData data = ScalingData.TeacherAware) =>
        new(k, d, 0, 0, data, n, 1e-3, reached ? TrainingOutcome.ReachedGradientTarget : TrainingOutcome.BudgetExhausted,
            reached ? 5e-4 : 0.5, 1000, specialized ? [1.0, 0.99] : [1.0, 0.2], 0);

    /// <summary>A ladder whose first rung at <paramref name="nStar"/> specializes.</summary>
    static ScalingPoint Found(int k, int d, int nStar, int seed = 0, ScalingData data = ScalingData.TeacherAware) =>
        new(k, d, seed, data, SampleScalingSettings.BoundSamples(k, d), [nStar], [Run(k, d, nStar, data: data)]);

    /// <summary>A ladder whose only rung, at <paramref name="top"/>, reached the level (or not) without specializing.</summary>
    static ScalingPoint NotFound(int k, int d, int top, bool reached, int seed = 0) =>
        new(k, d, seed, ScalingData.TeacherAware, SampleScalingSettings.BoundSamples(k, d), [top], [Run(k, d, top, specialized: false, reached: reached)]);

    /// <summary>K 6, 9 x d 2, 4, two seeds each; N* = a K^bK d^bd times e^{+-delta} (the two seeds' signs opposite).</summary>
    static ScalingPoint[] Balanced(double a, double bK, double bD, double delta) =>
        (from k in new[] { 6, 9 }
         from d in new[] { 2, 4 }
         from s in new[] { 0, 1 }
         select Found(k, d, (int)Math.Round(a * Math.Pow(k, bK) * Math.Pow(d, bD) * Math.Exp(s == 0 ? delta : -delta)), s)).ToArray();

    [Test]
    public void NoLadders_AreRefusedByName() =>
        Should.Throw<ArgumentException>(() => SampleSizeClaim.Judge([], Settings)).Message.ShouldContain("at least one ladder");

    [Test]
    public void Fit_OnABalancedDesign_EqualsItsClosedForm()
    {
        var points = Balanced(3, 1.5, 1.2, 0.1);
        var entries = points.Select(p => new NStarEntry(p.K, p.D, p.SeedIndex, p.NStar(0.95), 0, p.BoundSamples)).ToArray();
        var fit = SampleSizeClaim.Fit(entries);
        fit.ShouldNotBeNull();

        // Balanced 2 x 2 design: each slope is the difference of the mean log N* between its two levels over the log
        // of their ratio; residuals are what the additive model leaves; s^2 = RSS / (8 - 3); Var(b) = s^2 / sum (x - mean x)^2.
        double MeanLog(Func<ScalingPoint, bool> where) => points.Where(where).Average(p => Math.Log(p.NStar(0.95)!.Value));
        var bK = (MeanLog(p => p.K == 9) - MeanLog(p => p.K == 6)) / Math.Log(9.0 / 6);
        var bD = (MeanLog(p => p.D == 4) - MeanLog(p => p.D == 2)) / Math.Log(2);
        var mean = MeanLog(_ => true);
        double Centered(double x, double lo, double hi) => x - (Math.Log(lo) + Math.Log(hi)) / 2;
        var rss = points.Sum(p => Math.Pow(Math.Log(p.NStar(0.95)!.Value) - mean - bK * Centered(Math.Log(p.K), 6, 9) - bD * Centered(Math.Log(p.D), 2, 4), 2));
        var s2 = rss / 5;
        var t = StudentT.InvCDF(0, 1, 5, 0.975);
        t.ShouldBe(2.5706, 1e-4, "the textbook t quantile for 5 degrees of freedom");
        var halfK = t * Math.Sqrt(s2 / (8 * Math.Pow(Math.Log(9.0 / 6) / 2, 2)));
        var halfD = t * Math.Sqrt(s2 / (8 * Math.Pow(Math.Log(2) / 2, 2)));

        var (k, d) = fit.Value;
        k.Slope.ShouldBe(bK, 1e-9);
        d.Slope.ShouldBe(bD, 1e-9);
        k.Low.ShouldBe(bK - halfK, 1e-9, "the K interval: t(0.975, n - 3) x standard error");
        k.High.ShouldBe(bK + halfK, 1e-9);
        d.Low.ShouldBe(bD - halfD, 1e-9, "the d interval");
        d.High.ShouldBe(bD + halfD, 1e-9);
        halfK.ShouldBeGreaterThan(0.05, "the design has spread, so the interval is not a point");
    }

    [Test]
    public void Fit_NeedsTwoKValues_TwoDValues_AndFourLadders()
    {
        NStarEntry E(int k, int d, int n) => new(k, d, 0, n, 0, 1e6);
        SampleSizeClaim.Fit([E(6, 2, 10), E(6, 4, 20), E(6, 2, 11), E(6, 4, 21)]).ShouldBeNull("one K value");
        SampleSizeClaim.Fit([E(6, 2, 10), E(9, 2, 20), E(6, 2, 11), E(9, 2, 21)]).ShouldBeNull("one d value");
        SampleSizeClaim.Fit([E(6, 2, 10), E(9, 2, 20), E(6, 4, 30)]).ShouldBeNull("three ladders leave no residual degree of freedom");
        SampleSizeClaim.Fit([E(6, 2, 10), E(9, 2, 20), E(6, 4, 30), E(9, 4, 70)]).ShouldNotBeNull("2 K x 2 d, one degree of freedom");
    }

    [Test]
    public void Numbers_NameEpsC_TheData_EveryLadder_AndTheLargestRatioToTheBound()
    {
        var points = Balanced(1, 1, 1, 0.05);
        var outcome = SampleSizeClaim.Judge(points, Settings);
        var n = outcome.Numbers;
        (n.Epsilon, n.AlignmentConstant, n.CosineThreshold).ShouldBe((SampleScalingSettings.Epsilon, SampleScalingSettings.AlignmentConstant, SampleScalingSettings.CosineThreshold));
        n.CosineThreshold.ShouldBe(1 - SampleScalingSettings.AlignmentConstant * SampleScalingSettings.Epsilon, 1e-15, "specialized: 1 - cos <= C eps");
        n.Data.ShouldBe("TeacherAware");
        (n.BoundExponentK, n.BoundExponentD).ShouldBe((2.5, 3.0));
        n.Points.ShouldBe(8);
        (n.Censored, n.Unreached).ShouldBe((0, 0));
        n.NStar.Select(e => (e.K, e.D, e.Seed, e.NStar, e.LadderTop, e.Bound)).ShouldBe(points.Select(p => (p.K, p.D, p.SeedIndex, p.NStar(0.95), p.Ladder[^1], (double)p.BoundSamples)));
        n.MaxRatioToBound.ShouldBe(points.Max(p => (double)p.NStar(0.95)!.Value / p.BoundSamples), 1e-15, "the largest N* / bound over the ladders");
        n.SlopeKCi95.Length.ShouldBe(2);
        n.SlopeKCi95[0].ShouldBeLessThan(n.SlopeK);
        n.SlopeKCi95[1].ShouldBeGreaterThan(n.SlopeK);
        n.SlopeDCi95[0].ShouldBeLessThan(n.SlopeD);
        n.SlopeDCi95[1].ShouldBeGreaterThan(n.SlopeD);
        outcome.Verdict.ShouldBe(Verdict.Holds, outcome.Evidence);
        outcome.Reason.ShouldBeNull();
        outcome.Evidence.ShouldContain("slope in K ");
        outcome.Evidence.ShouldContain($"K 6 d 2: N* [{points[0].NStar(0.95)},{points[1].NStar(0.95)}] (bound {points[0].BoundSamples})");
        outcome.Evidence.ShouldContain("0 censored, 0 unreached");
    }

    [Test]
    public void WithoutAFit_TheSlopesAreNaN_AndTheReasonCountsTheValues()
    {
        var points = new[] { Found(6, 2, 12), Found(6, 4, 24), NotFound(9, 2, 96, reached: false) };
        var outcome = SampleSizeClaim.Judge(points, Settings);
        outcome.Verdict.ShouldBe(Verdict.Inconclusive, outcome.Evidence);
        outcome.Reason.ShouldBe("no fit: N* found at 1 K and 2 d values (needs 2 of each and 4 ladders)");
        double.IsNaN(outcome.Numbers.SlopeK).ShouldBeTrue();
        double.IsNaN(outcome.Numbers.SlopeD).ShouldBeTrue();
        outcome.Numbers.SlopeKCi95.ShouldAllBe(x => double.IsNaN(x));
        outcome.Numbers.SlopeDCi95.ShouldAllBe(x => double.IsNaN(x));
        outcome.Numbers.Unreached.ShouldBe(1, "its top rung is short of the level");
        outcome.Evidence.ShouldContain("no fit");
        outcome.Evidence.ShouldContain("K 9 d 2: N* [>96]");
        outcome.ConclusionObserved.ShouldBe(true, "every ladder that reached the level specialized by the bound; no fit to contradict it");
    }

    [Test]
    public void NoLadderFound_GivesNoRatio_AndEachReachedTopIsCensored()
    {
        var points = new[] { NotFound(6, 2, 96, reached: true), NotFound(9, 4, 96, reached: false) };
        var outcome = SampleSizeClaim.Judge(points, Settings);
        double.IsNaN(outcome.Numbers.MaxRatioToBound).ShouldBeTrue("no N* was found");
        (outcome.Numbers.Censored, outcome.Numbers.Unreached).ShouldBe((1, 1));
        outcome.Verdict.ShouldBe(Verdict.Inconclusive);
        outcome.Reason!.ShouldStartWith("no fit: N* found at 0 K and 0 d values");
        outcome.ConclusionObserved.ShouldBe(false);
    }

    [Test]
    public void ACensoredLadder_UnderAFitThatWouldHold_NamesTheTopRung()
    {
        var points = Balanced(1, 1, 1, 0.05).Append(NotFound(9, 4, 96, reached: true, seed: 2)).ToArray();
        var outcome = SampleSizeClaim.Judge(points, Settings);
        outcome.Verdict.ShouldBe(Verdict.Inconclusive, outcome.Evidence);
        outcome.Reason.ShouldBe("1 of 9 ladders reached the level at their top rung (96 points) without specializing (censored; the fit without them can only lower the slopes)");
        outcome.ConclusionObserved.ShouldBe(false, "a censored ladder is a teacher not specialized within the ladder");
        outcome.Evidence.ShouldContain("1 censored, 0 unreached");
    }

    [Test]
    public void AnIntervalThatStraddlesTheExponent_IsInconclusive_InKAndInD()
    {
        var inK = SampleSizeClaim.Judge(Balanced(0.05, 2.5, 1, 0.3), Settings);
        inK.Numbers.SlopeKCi95[0].ShouldBeLessThan(2.5, inK.Evidence);
        inK.Numbers.SlopeKCi95[1].ShouldBeGreaterThan(2.5, inK.Evidence);
        inK.Verdict.ShouldBe(Verdict.Inconclusive, inK.Evidence);
        inK.Reason.ShouldBe("a slope's 95% interval straddles its exponent");
        inK.ConclusionObserved.ShouldBe(false);

        var inD = SampleSizeClaim.Judge(Balanced(10, 0, 3, 0.3), Settings);
        inD.Numbers.SlopeDCi95[0].ShouldBeLessThan(3, inD.Evidence);
        inD.Numbers.SlopeDCi95[1].ShouldBeGreaterThan(3, inD.Evidence);
        inD.Numbers.SlopeKCi95[1].ShouldBeLessThan(2.5, "K within: only d straddles");
        inD.Verdict.ShouldBe(Verdict.Inconclusive, inD.Evidence);
        inD.Reason.ShouldBe("a slope's 95% interval straddles its exponent");
    }

    [Test]
    public void ASlopeWhollyAboveItsExponent_Fails_InKAndInD()
    {
        var inK = SampleSizeClaim.Judge(Balanced(0.001, 4, 1, 0.02), Settings);
        inK.Numbers.SlopeKCi95[0].ShouldBeGreaterThan(2.5, inK.Evidence);
        inK.Verdict.ShouldBe(Verdict.Fails, inK.Evidence);
        inK.Reason.ShouldBeNull();

        var inD = SampleSizeClaim.Judge(Balanced(1, 1, 4.5, 0.02), Settings);
        inD.Numbers.SlopeDCi95[0].ShouldBeGreaterThan(3, inD.Evidence);
        inD.Numbers.SlopeKCi95[1].ShouldBeLessThan(2.5, "K within: only d exceeds");
        inD.Verdict.ShouldBe(Verdict.Fails, inD.Evidence);
    }

    [Test]
    public void ALadderShortOfTheBound_ThatReachedTheLevelWithoutSpecializing_IsCensored_NotARefutation()
    {
        var points = Balanced(1, 1, 1, 0.05).Append(NotFound(6, 2, 96, reached: true, seed: 2)).ToArray();
        points[^1].LadderReachesBound.ShouldBeFalse("96 points is far below the bound");
        var outcome = SampleSizeClaim.Judge(points, Settings);
        outcome.Verdict.ShouldBe(Verdict.Inconclusive, outcome.Evidence);
        outcome.Evidence.ShouldNotContain("NOT specialized");
    }

    [Test]
    public void ALadderAtTheBound_ThatNeverReachedTheLevel_IsUnreached_NotARefutation()
    {
        var bound = SampleScalingSettings.BoundSamples(6, 2);
        var atBound = new ScalingPoint(6, 2, 2, ScalingData.TeacherAware, bound, [bound], [Run(6, 2, bound, specialized: false, reached: false)]);
        var outcome = SampleSizeClaim.Judge(Balanced(1, 1, 1, 0.05).Append(atBound).ToArray(), Settings);
        outcome.Verdict.ShouldBe(Verdict.Holds, outcome.Evidence);
        outcome.Numbers.Unreached.ShouldBe(1);
    }

    [Test]
    public void MixedData_IsNotTeacherAware_AndNamesBothKinds()
    {
        var points = Balanced(1, 1, 1, 0.05).Append(Found(6, 2, 12, seed: 3, data: ScalingData.Gaussian)).ToArray();
        var outcome = SampleSizeClaim.Judge(points, Settings);
        outcome.Verdict.ShouldBe(Verdict.Inconclusive);
        outcome.Reason.ShouldBe("hypothesis missed: training data TeacherAware/Gaussian, not teacher-aware");
        outcome.Numbers.Data.ShouldBe("TeacherAware/Gaussian");
    }

    [Test]
    public void SpecializedOnlyAboveTheBound_IsNotTheConclusion()
    {
        var points = Balanced(1, 1, 1, 0.05);
        var p = points[0];
        var above = p.BoundSamples + 3;
        points[0] = p with { Ladder = [above], Runs = [Run(p.K, p.D, above)] };
        var outcome = SampleSizeClaim.Judge(points, Settings);
        outcome.ConclusionObserved.ShouldBe(false, "N* above the bound's N");
        outcome.Numbers.MaxRatioToBound.ShouldBeGreaterThan(1);
    }

    [Test]
    public void Plan_GivesKTheBoundsPointsAndLevel_AndRefusesASizeItCannotBuild()
    {
        var bound = SampleScalingSettings.Bound;
        var plan = SampleSizePlan.For(bound, 2, 4, 3, 0.5);
        plan.K.ShouldBe(6);
        (plan.InputDim, plan.Epsilon).ShouldBe((3, 0.5));
        plan.Samples.ShouldBe((int)Math.Ceiling(bound.RequiredSamples(6, 3, 0.5)));
        plan.GradientLevel.ShouldBe(bound.GradientThreshold(6, 3, 0.5));
        Should.Throw<ArgumentOutOfRangeException>(() => SampleSizePlan.For(bound, 2, 4, 1000, 1e-6)).Message.ShouldContain("too many to build");
    }
}
