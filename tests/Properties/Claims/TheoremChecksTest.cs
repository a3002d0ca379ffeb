using NUnit.Framework;
using Shouldly;
using Verify.Model.Claims;
using Verify.TestSupport;

namespace Verify.Properties.Claims;

/// <summary>
/// The theorem checks the `reproduce` report shows (<see cref="TheoremChecks"/>) on the run's fresh
/// cases: every claim judged on drawn cases has at least 16 conclusive ones (per activation) and
/// the universal claims hold; the per-claim fixtures of this folder assert each with its negative
/// controls. The counts are printed: they are the "cases drawn / conclusive" of the report.
/// </summary>
[TestFixture]
public sealed class TheoremChecksTest
{
    [Test]
    public void EveryTwoLayerTrainingClaim_HasAtLeast16ConclusiveCases_InEveryFamily()
    {
        var run = ClaimRuns.Fresh;
        foreach (var o in run.Outcomes) TestContext.Out.WriteLine($"{o.Claim.Id,-60} {o.Verdict,-12} {o.Cases}");
        foreach (var claim in TheoremChecks.TwoLayerClaims.Append(IndependenceClaim.Info))
            run.Outcome(claim).Cases!.Conclusive.ShouldBeGreaterThanOrEqualTo(Tolerances.MinConclusiveCases, $"{run.Outcome(claim)}; replay: {RunSeed.Replay}");
    }

    /// <summary>
    /// The Nightly tier: at least 100 conclusive cases per claim, activation, reading and family, each outcome printed
    /// with its counts and bound, and the gap between the readings (the figures of docs/theorems/rules.md).
    /// </summary>
    [Test, Category("Nightly")]
    public void EveryTwoLayerTrainingClaim_HasAtLeast100ConclusiveCases_InEveryFamily_Nightly()
    {
        var run = ClaimRuns.FreshNightly;
        TestContext.Out.WriteLine($"run seed {run.RunSeed}, rules {Verify.Model.Rules.Version} ({Verify.Model.Rules.Hash})");
        foreach (var o in run.Outcomes)
            TestContext.Out.WriteLine($"{o.Claim.Id,-60} {o.Verdict,-12} {o.Cases}" + (o.NumbersObject is TallyNumbers { FirstFailure: { } f } ? $"\n    first failure: {f}" : ""));
        foreach (var g in run.ReadingGaps())
            TestContext.Out.WriteLine($"{g.Claim,-52} paper fails, hyperplane holds: {g.PaperFailsHyperplaneHolds} of {g.Conclusive} ({g.Rate:P1}, 95% {g.Low95:0.###}-{g.High95:0.###}); both fail: {g.BothFail}");
        foreach (var claim in TheoremChecks.TwoLayerClaims.Append(IndependenceClaim.Info))
            run.Outcome(claim).Cases!.Conclusive.ShouldBeGreaterThanOrEqualTo(Verify.Model.Rules.NightlyMinConclusive, $"{run.Outcome(claim)}; replay: {RunSeed.Replay}");
    }

    /// <summary>Claim 8 on teacher-aware data of each fresh ReLU case's teacher.</summary>
    [Test, Judges("independence")]
    public void Independence_HoldsOnTheFreshCases() =>
        ClaimRuns.ShouldHold(ClaimRuns.Fresh, IndependenceClaim.Info, ClaimRuns.TwoLayerJudge(IndependenceClaim.Info));

    [Test]
    public void TheSameRunSeed_DrawsTheSameCases_AndAnotherSeedOthers()
    {
        var space = SmallProblemSpace.TwoLayer(0);
        var a = Enumerable.Range(0, 8).Select(i => space.Draw(1, "relu", i)).ToArray();
        var again = Enumerable.Range(0, 8).Select(i => space.Draw(1, "relu", i)).ToArray();
        var other = Enumerable.Range(0, 8).Select(i => space.Draw(2, "relu", i)).ToArray();

        again.Select(p => p.ToString()).ShouldBe(a.Select(p => p.ToString()));
        other.Select(p => p.Seed).Intersect(a.Select(p => p.Seed)).ShouldBeEmpty();
    }
}
