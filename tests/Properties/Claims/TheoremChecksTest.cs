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
