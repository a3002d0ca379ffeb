using NUnit.Framework;
using Shouldly;
using Verify.Model.Claims;
using Verify.Model.Runtime;

namespace Verify.Properties.Claims;

/// <summary>
/// How <see cref="TheoremChecks.Run"/> draws and tallies, on a run whose precondition cannot be met
/// (a gradient target no one-epoch training reaches): every case of claims 1, 2 and 4 is then
/// inconclusive, so the draw goes on to <see cref="TheoremCheckSettings.MaxCases"/>, and each
/// verdict is left inconclusive with the cases it drew. What the claims conclude on trained cases
/// is TheoremChecksTest's (the default run); this pins the machinery around them.
/// </summary>
[TestFixture]
public sealed class TheoremChecksContractsTest
{
    static readonly TheoremCheckSettings Unreachable = new() { MinConclusive = 1, Epochs = 1, GradientTarget = 1e-12, ThreeLayerCases = 1 };

    /// <summary>A fresh run per test (about a second), never a cached one: a mutant of the checks must reach every test that reads them.</summary>
    static (TheoremCheckResult Result, List<(int Done, int Total)> Progress) Run()
    {
        var progress = new List<(int, int)>();
        var result = TheoremChecks.Run(31, Unreachable, workers: 1, onProgress: (done, total) => { lock (progress) progress.Add((done, total)); });
        return (result, progress);
    }

    [Test]
    public void ItJudgesEveryTheoremClaim_InTheCatalogsOrder_DrawingAgainUpToTheCap_AndTalliesTheCasesItLists()
    {
        var result = Run().Result;
        result.RunSeed.ShouldBe(31);
        result.Outcomes.Select(o => o.Claim.Id).ShouldBe(ClaimCatalog.Entries.Where(e => e.Experiment == "theorems").Select(e => e.Claim.Id));
        result.Outcomes.ShouldAllBe(o => o.RunSeed == 31);

        // A case that misses the precondition is drawn again, up to the cap.
        Unreachable.MaxCases.ShouldBe(3);
        foreach (var claim in new[] { LowestLayerSpecializationClaim.Relu, CoreArgumentClaim.Relu, IndependenceClaim.Info })
        {
            var cases = result.CasesOf(claim);
            cases.Count.ShouldBe(3, $"{claim.Id}: no ReLU case reached the target, so all {Unreachable.MaxCases} were drawn");
            cases.Select(c => c.Problem.Seed).ShouldBe(Enumerable.Range(0, 3).Select(i => Seeds.Of(31, "relu", i)), $"{claim.Id}: cases 0, 1, 2 of the ReLU stream");
            cases.ShouldAllBe(c => c.Problem.Leak == 0 && c.Outcome.Claim.Id == claim.Id);
        }
        foreach (var claim in new[] { LowestLayerSpecializationClaim.Leaky, CoreArgumentClaim.Leaky, VanishingClaim.Info })
        {
            var cases = result.CasesOf(claim);
            cases.Select(c => c.Problem.Seed).ShouldBe(Enumerable.Range(0, 3).Select(i => Seeds.Of(31, "leaky", i)), $"{claim.Id}: the leaky stream");
            cases.ShouldAllBe(c => c.Problem.Leak == 0.1 && c.Outcome.Claim.Id == claim.Id);
        }
        result.CasesOf(ExactFitClaim.Info).Select(c => c.Problem.Leak).ShouldBe([0, 0, 0, 0.1, 0.1, 0.1], "claim 7 reads the cases of both activations");
        result.CasesOf(LowestLayerSpecializationClaim.ThreeLayer).Single().Problem.Depth.ShouldBe(2);

        // Each verdict tallies the cases it lists.
        foreach (var outcome in result.Outcomes)
        {
            var cases = result.CasesOf(outcome.Claim);
            outcome.Cases.ShouldBe(CaseCounts.Of(cases.Select(c => c.Outcome)), outcome.Claim.Id);
        }
        foreach (var claim in new[] { LowestLayerSpecializationClaim.Relu, LowestLayerSpecializationClaim.Leaky, CoreArgumentClaim.Relu, CoreArgumentClaim.Leaky, VanishingClaim.Info })
            result.Outcome(claim).Verdict.ShouldBe(Verdict.Inconclusive, $"{claim.Id}: no case reached the precondition");
        result.Outcomes.ShouldAllBe(o => ((ClaimOutcome<TallyNumbers>)o).Numbers.MinConclusive == Unreachable.MinConclusive);
    }

    [Test]
    public void ProgressCounts_EveryCase_UpToTheTotal()
    {
        var progress = Run().Progress;
        progress.Count.ShouldBe(3 + 3 + 1, "one report per case drawn");
        progress.Select(p => p.Done).Order().ShouldBe(Enumerable.Range(1, 7));
        progress.ShouldAllBe(p => p.Done <= p.Total);
        progress.Max(p => p.Total).ShouldBe(7);
    }
}
