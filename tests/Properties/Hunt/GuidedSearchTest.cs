using NUnit.Framework;
using Shouldly;
using Verify.Model.Claims;
using Verify.Model.Hunt;
using Verify.Model.Protocols;

namespace Verify.Properties.Hunt;

/// <summary>
/// The hunt's search is worth its steering: a planted false claim (<see cref="PlantedClaim"/>) is found in fewer
/// cases by the guided search than by purely random draws, over several hunt seeds; and the failure it finds
/// shrinks, by the property tests' rule, to a smallest case that still fails.
/// </summary>
[TestFixture]
public sealed class GuidedSearchTest
{
    static readonly long[] HuntSeeds = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    const int Cap = 800;

    /// <summary>Cases the hunt of <paramref name="seed"/> tried until its first failure (inclusive); <see cref="Cap"/> + 1 when none within the cap.</summary>
    static int CasesToFirstFailure(long seed, double randomShare)
    {
        using var db = HuntDatabase.InMemory(PlantedClaim.Identity(seed));
        using var found = new CancellationTokenSource();
        var settings = new HuntSettings { RandomShare = randomShare, Workers = 1, ShrinkLimit = 0 };
        HuntRunner.Run(PlantedClaim.Target(), HuntStream.Main(seed), new HuntBudget(null, Cap), db, settings, found.Token,
            r => { if (r.Verdict == Verdict.Fails) found.Cancel(); });
        return db.Records.Where(r => r.Verdict == Verdict.Fails).Select(r => r.Index + 1).DefaultIfEmpty(Cap + 1).Min();
    }

    static double Median(IReadOnlyList<int> xs)
    {
        var s = xs.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2.0;
    }

    [Test]
    public void APlantedFalseClaim_IsFoundInFewerCases_ByTheGuidedSearchThanByRandomDraws()
    {
        var guided = HuntSeeds.Select(s => CasesToFirstFailure(s, new HuntSettings().RandomShare)).ToArray();
        var random = HuntSeeds.Select(s => CasesToFirstFailure(s, 1)).ToArray();
        TestContext.Out.WriteLine($"planted claim (fan-out ratio >= {PlantedClaim.Threshold}); cases to the first failure, per hunt seed {string.Join(",", HuntSeeds)} (cap {Cap}; {Cap + 1} = not found):");
        TestContext.Out.WriteLine($"  guided (25% random): {string.Join(" ", guided)}; median {Median(guided)}");
        TestContext.Out.WriteLine($"  random draws only:   {string.Join(" ", random)}; median {Median(random)}");
        Median(guided).ShouldBeLessThan(Median(random), $"guided {string.Join(" ", guided)} against random {string.Join(" ", random)}");
        guided.Count(g => g <= Cap).ShouldBe(HuntSeeds.Length, "the guided search finds the planted failure at every seed");
    }

    /// <summary>The control: a claim that holds everywhere (threshold 0) is never refuted, guided or not.</summary>
    [Test]
    public void ATrueClaim_IsNotRefuted_ByTheGuidedSearch()
    {
        using var db = HuntDatabase.InMemory(PlantedClaim.Identity(1));
        HuntRunner.Run(PlantedClaim.Target(threshold: 0), HuntStream.Main(1), new HuntBudget(null, 200), db, new HuntSettings { Workers = 1 });
        var summary = HuntSummary.Of(db.Identity!, db.Records);
        TestContext.Out.WriteLine($"{summary.Tried} tried, {summary.Conclusive} conclusive, {summary.Fails} fail, bound {summary.FailureRateUpper95:0.###}");
        summary.Tried.ShouldBe(200);
        summary.Fails.ShouldBe(0);
        summary.FailureRateUpper95!.Value.ShouldBeLessThan(0.025, "about 200 conclusive cases bound the failure rate at 3.7/200");
        db.Records.Count(r => r.Origin == HuntSearch.Guided).ShouldBeGreaterThan(100, "after the warm-up three in four cases are guided");
    }

    [Test]
    public void TheFailureItFinds_ShrinksToASmallestCaseThatStillFails()
    {
        const long seed = 3;
        using var db = HuntDatabase.InMemory(PlantedClaim.Identity(seed));
        var target = PlantedClaim.Target();
        using (var found = new CancellationTokenSource())
            HuntRunner.Run(target, HuntStream.Main(seed), new HuntBudget(null, Cap), db, new HuntSettings { Workers = 1, ShrinkLimit = 0 }, found.Token,
                r => { if (r.Verdict == Verdict.Fails) found.Cancel(); });
        var tried = db.Records.Count;
        var failure = db.Records.First(r => r.Verdict == Verdict.Fails);

        var report = HuntRunner.Run(target, HuntStream.Main(seed), new HuntBudget(null, tried), db, new HuntSettings { Workers = 1 });

        report.Stopped.ShouldBe("budget");
        var shrink = HuntShrink.Replay(failure, HuntRunner.Judged(db.Records));
        TestContext.Out.WriteLine($"failure {failure.Case} (margin {failure.Margin:0.####}) shrunk in {shrink.Steps} steps, {shrink.Judged} candidates, to {shrink.Smallest} (margin {shrink.SmallestRecord.Margin:0.####})");
        shrink.Complete.ShouldBeTrue();
        shrink.SmallestRecord.Verdict.ShouldBe(Verdict.Fails, "the smallest case is a counterexample");
        PlantedClaim.Judge(shrink.Smallest.Problem, PlantedClaim.Threshold).Verdict.ShouldBe(Verdict.Fails, "and it replays as one");
        foreach (var candidate in HuntShrink.Candidates(shrink.Smallest))
            PlantedClaim.Judge(candidate.Problem, PlantedClaim.Threshold).Verdict.ShouldNotBe(Verdict.Fails, $"no smaller candidate fails: {candidate}");
        var (small, large) = (shrink.Smallest.Problem, failure.Problem);
        small.Samples.ShouldBeLessThanOrEqualTo(SmallProblemShrinker.MinSamples, "N does not enter the planted claim: halved as far as the rule goes");
        small.Multi.ShouldBe(2, "nor does multi");
        (small.Multi <= large.Multi && small.Widths[0] <= large.Widths[0] && small.Samples < large.Samples).ShouldBeTrue($"{small} is smaller than {large}");
        small.Widths[0].ShouldBeGreaterThanOrEqualTo(2, "a teacher of one node is inconclusive, not a counterexample: the shrink stops before it");
    }
}
