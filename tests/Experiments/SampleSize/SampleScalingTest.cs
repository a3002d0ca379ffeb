using NUnit.Framework;
using Shouldly;
using Verify.Model.Claims;
using Verify.Model.Evidence;
using Verify.Model.Experiments;
using Verify.Model.Protocols;
using Verify.TestSupport;

namespace Verify.Experiments.SampleSize;

/// <summary>
/// Claim 3 measured as a scaling law: N*(K, d), the smallest teacher-aware training set (whole
/// triplets) at which every teacher node has a student at cos &gt;= 1 - C eps after training to the
/// bound's gradient level eps / (K^{3/2} sqrt d), eps = <see cref="SampleScalingSettings.Epsilon"/>,
/// C = <see cref="SampleScalingSettings.AlignmentConstant"/>; the log-log slopes of N* against the
/// bound's 5/2 (K) and 3 (d). Run seed <see cref="TheoremCheckSettings.DefaultRunSeed"/>. The measured ladders leave the
/// scaling law inconclusive at both sizes: the finding of <see cref="SampleScalingExponentFindingTest"/>; this fixture
/// holds the controls.
/// </summary>
[TestFixture]
public sealed class SampleScalingTest
{
    const long RunSeed = TheoremCheckSettings.DefaultRunSeed;

    /// <summary>
    /// Negative control at the bound's own N (K 6, d 2: 14,109 points, 14,112 in whole triplets):
    /// Gaussian inputs that stay <see cref="SampleScaling.OneSidedMargin"/> inside the inactive side
    /// of teacher node 1, so the labels carry nothing of w*_1, judged by the same judge. The
    /// hypothesis (teacher-aware data) is missed, so the verdict is inconclusive; the conclusion must
    /// be missing. Measured on the way: inputs on the *active* side of node 1 (with or without a
    /// margin of 1) did not make a control: the student aligned with node 1 at cos 0.9998-1, since
    /// with 5 outputs the affine map v*_1 w*_1^T that node 1 adds on the data still reveals w*_1.
    /// </summary>
    [Test, Category("Nightly")]
    public void DataThatNeverActivatesATeacherNode_DoesNotSpecializeItAtTheBoundsN()
    {
        var settings = SampleScalingSettings.Corner with { Seeds = 1 };
        var points = SampleScaling.AtBound(settings, 2, 2, RunSeed, ScalingData.OneSided);
        var outcome = SampleSizeClaim.Judge(points, settings);
        TestContext.Out.WriteLine(outcome);
        TestContext.Out.WriteLine(points[0].Runs[0]);

        outcome.ConclusionObserved.ShouldBe(false, outcome.ToString());
        outcome.Verdict.ShouldBe(Verdict.Inconclusive, outcome.ToString());
    }

    /// <summary>
    /// The judge requires teacher-aware data: Gaussian inputs at the bound's own N (K 6, d 2) are
    /// judged inconclusive, naming the missed hypothesis, whatever the student did (reported).
    /// </summary>
    [Test, Category("Nightly")]
    public void GaussianDataAtTheBoundsN_LeavesTheClaimSilent()
    {
        var settings = SampleScalingSettings.Corner with { Seeds = 1 };
        var points = SampleScaling.AtBound(settings, 2, 2, RunSeed, ScalingData.Gaussian);
        var outcome = SampleSizeClaim.Judge(points, settings);
        TestContext.Out.WriteLine(outcome);
        outcome.Verdict.ShouldBe(Verdict.Inconclusive, outcome.ToString());
        outcome.Reason!.ShouldContain("not teacher-aware");
    }

    /// <summary>The control's positive twin: teacher-aware data at the bound's own N specializes every teacher (2 seeds).</summary>
    [Test, Category("Nightly")]
    public void TeacherAwareDataAtTheBoundsN_SpecializesEveryTeacher()
    {
        var settings = SampleScalingSettings.Corner;
        var points = SampleScaling.AtBound(settings, 2, 2, RunSeed, ScalingData.TeacherAware);
        foreach (var p in points) TestContext.Out.WriteLine(p.Runs[0]);
        points.ShouldAllBe(p => p.NStar(SampleScalingSettings.CosineThreshold) != null, string.Join("; ", points.Select(p => p.Runs[0].ToString())));
    }
    /// <summary>
    /// The earlier finding, re-judged in this formulation. With eps = 1 (C_g = 1) the fresh case of
    /// seed 6141705617844254943 (d 2, m 2, multi 2, N 706) reached the level 0.048 with teacher 1 at rho
    /// 0.19, which refuted "rho &gt; 0.95 at eps = 1"; tied to eps, eps = 1 only promises
    /// 1 - cos &lt;= 1, so that run asked more than the statement gives. The same case (same streams:
    /// teacher, training inputs, student) at eps = 0.05 (level 0.0024, the bound's 14,112 points):
    /// measured (27 Nov 2026), training does not reach the level in 20,000 steps (gradient 3.7, best
    /// cos [0.16, 0.99]): inconclusive, neither a pass nor a counterexample. Asserted as the finding.
    /// </summary>
    [Test, Category("Nightly")]
    public void TheEarlierCounterexampleCase_AtTheBoundsNForEps()
    {
        var settings = SampleScalingSettings.Corner;
        var n = SampleScalingSettings.BoundSamples(6, 2);
        var run = SampleScaling.Runs(settings, 2, 2, [(0, 6141705617844254943)], ScalingData.TeacherAware, n)[0];
        var outcome = SampleSizeClaim.Judge([new ScalingPoint(6, 2, 0, ScalingData.TeacherAware, n, [n], [run])], settings);
        TestContext.Out.WriteLine(run);
        TestContext.Out.WriteLine(outcome);
        outcome.Verdict.ShouldBe(Verdict.Inconclusive, outcome.ToString());
        run.ReachedLevel.ShouldBeFalse($"finding pinned: the case does not reach the eps level at the bound's N: {run}");
    }
}

/// <summary>
/// Known finding: claim 3's scaling law is inconclusive at both sizes. Every N* lies hundreds to a hundred thousand times
/// below the bound K^{5/2} d^3 / eps, but the 95% interval of N*'s exponent in K straddles the bound's 5/2, so the
/// judge can neither confirm nor refute the bound's growth. Pinned so that a change shows; the corner runs by default,
/// the grid in the Nightly tier.
/// </summary>
[TestFixture, Category("Finding")]
public sealed class SampleScalingExponentFindingTest
{
    const long RunSeed = TheoremCheckSettings.DefaultRunSeed;

    /// <summary>
    /// The 2 x 2 corner (K 6, 9; d 2, 4; 2 seeds). Finding (27 Nov 2026, run seed 2020): every N*
    /// lies 300-10,000 times below the bound, but N* grows steeply in K (6 -> 9: from 3-9 to 24-48
    /// points; slope 4.6 [2.5, 6.8]) and one ladder (K 9, d 4, seed 0) never reaches the level above
    /// 12 points (left out): the K interval straddles 5/2 on four cells. The test asserts what the corner shows; the Nightly grid judges the slopes.
    /// </summary>
    [Test, Judges("sample-complexity")]
    public void AtTheCorner_EveryNStarIsFarBelowTheBound_ButTheKExponentStraddlesFiveHalves()
    {
        var points = SampleScaling.Grid(SampleScalingSettings.Corner, RunSeed);
        var outcome = SampleSizeClaim.Judge(points, SampleScalingSettings.Corner);
        TestContext.Out.WriteLine(outcome);

        var found = outcome.Numbers.NStar.Where(e => e.NStar is not null).ToArray();
        found.Length.ShouldBeGreaterThanOrEqualTo(6, outcome.ToString());
        outcome.Numbers.MaxRatioToBound.ShouldBeLessThan(0.01, outcome.ToString());
        outcome.Verdict.ShouldBe(Verdict.Inconclusive, $"finding pinned (see the summary): {outcome}");
        outcome.Numbers.Unreached.ShouldBe(1, outcome.ToString());
        outcome.Reason!.ShouldContain("straddles", Case.Insensitive, outcome.ToString());
    }

    /// <summary>
    /// The grid (K 6, 9, 12, 15; d 2, 4, 8; 5 seeds; ladders to 1,536 points), judged by the report's
    /// judge. Finding (27 Nov 2026, run seed 2020, 5.6-6.2 min on 2 shared cores): 55 of 60 ladders found
    /// N* (5 never reached the level above some rung: left out), every N* 1,000-100,000 times below
    /// the bound; slope in K 2.32 [1.70, 2.93] straddles 5/2, slope in d 1.39 [1.02, 1.77] is below 3:
    /// inconclusive. Asserted as the finding: the d exponent is bounded, the K interval contains 5/2.
    /// </summary>
    [Test, Category("Nightly")]
    public void OnTheGrid_TheDExponentIsBounded_ButTheKExponentStraddlesFiveHalves()
    {
        var points = SampleScaling.Grid(SampleScalingSettings.Grid, RunSeed);
        var outcome = SampleSizeClaim.Judge(points, SampleScalingSettings.Grid);
        TestContext.Out.WriteLine(outcome);

        outcome.Verdict.ShouldNotBe(Verdict.Fails, outcome.ToString());
        outcome.Numbers.SlopeDCi95[1].ShouldBeLessThanOrEqualTo(SampleSizeClaim.ExponentD, outcome.ToString());
        outcome.Numbers.MaxRatioToBound.ShouldBeLessThan(0.01, outcome.ToString());
        outcome.Verdict.ShouldBe(Verdict.Inconclusive, $"finding pinned: the K interval straddles 5/2: {outcome}");
    }
}
