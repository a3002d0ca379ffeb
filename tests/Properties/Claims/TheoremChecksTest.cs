using NUnit.Framework;
using Shouldly;
using Verify.Model.Claims;
using Verify.Model.Protocols;
using Verify.TestSupport;
using Verify.Conjectures;

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

    /// <summary>
    /// Claim 1 at depth in the default run: at least 16 conclusive three-layer cases per activation, each judged at every layer's
    /// gradient 1e-4, with the point before the finish, the finisher's distance and every layer's numbers (best correlation per
    /// teacher node, fan-out strength E_x[beta_kk] per student node) in its numbers. The figures of docs/theorems/01 are printed.
    /// </summary>
    [Test]
    public void EveryDeepClaim_HasAtLeast16ConclusiveCases_AndReportsTheFinishAndEveryLayer()
    {
        var run = ClaimRuns.Fresh;
        foreach (var claim in TheoremChecks.DeepClaims.Where(c => c.Family == CaseFamily.ThreeLayer.Name))
        {
            var outcome = run.Outcome(claim);
            var cases = run.CasesOf(claim);
            var conclusive = cases.Where(c => c.Outcome.Verdict != Verdict.Inconclusive).ToArray();
            var distances = conclusive.Select(c => ((ClaimOutcome<DeepSpecializationNumbers>)c.Outcome).Numbers.FinishParameterDistance).Order().ToArray();
            var relative = conclusive.Select(c => ((ClaimOutcome<DeepSpecializationNumbers>)c.Outcome).Numbers.FinishRelativeDistance).Order().ToArray();
            TestContext.Out.WriteLine(FormattableString.Invariant(
                $"{claim.Id}: {outcome.Verdict}, {outcome.Cases}; conclusive fraction {conclusive.Length / (double)cases.Count:0.##}; finisher's distance median {distances[distances.Length / 2]:G3} (relative {relative[relative.Length / 2]:P0}), range {distances[0]:G3} to {distances[^1]:G3}"));
            outcome.Cases!.Conclusive.ShouldBeGreaterThanOrEqualTo(Tolerances.MinConclusiveCases, $"{outcome}; replay: {RunSeed.Replay}");
            foreach (var c in conclusive)
            {
                var n = ((ClaimOutcome<DeepSpecializationNumbers>)c.Outcome).Numbers;
                n.MaxGradientEveryLayer.ShouldBeLessThanOrEqualTo(Verify.Model.Rules.DeepGradient, c.Outcome.ToString());
                n.HiddenLayers.ShouldBe(2);
                n.BestCorrelationPerLayer.Select(l => l.Length).ShouldBe(c.Problem.Widths, c.Outcome.ToString());
                n.FanOutStrengthPerLayer.Select(l => l.Length).ShouldBe(c.Problem.StudentWidths, c.Outcome.ToString());
                n.FanOutStrengthPerLayer.SelectMany(l => l).ShouldAllBe(b => b >= 0, "E_x[beta_kk] is a mean of squared norms");
                (double.IsFinite(n.FinishParameterDistance) && n.FinishParameterDistance >= 0).ShouldBeTrue(c.Outcome.ToString());
                double.IsFinite(n.EndpointMinBestCorrelation).ShouldBeTrue(c.Outcome.ToString());
                n.BestCorrelationPerLayer[0].Min().ShouldBe(n.MinBestCorrelation, "layer 1's numbers are the verdict's");
            }
        }
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
