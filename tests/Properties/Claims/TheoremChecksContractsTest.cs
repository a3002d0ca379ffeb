using NUnit.Framework;
using Shouldly;
using Verify.Model.Claims;
using Verify.Model.Protocols;
using Verify.Model.Runtime;
using Case = Shouldly.Case;

namespace Verify.Properties.Claims;

/// <summary>
/// How <see cref="TheoremChecks.Run"/> draws and tallies, on a run whose precondition cannot be met
/// (a gradient target of exactly 0, which neither one epoch of training nor the finisher of the sgd family reaches; deep cases
/// get one epoch of descent and no finish): every case of claims 1, 2 and 4 is then
/// inconclusive, so the draw goes on to <see cref="TheoremCheckSettings.MaxCases"/>, and each
/// verdict is left inconclusive with the cases it drew. What the claims conclude on trained cases
/// is TheoremChecksTest's (the default run); this pins the machinery around them.
/// </summary>
[TestFixture]
public sealed class TheoremChecksContractsTest
{
    static readonly TheoremCheckSettings Unreachable = new() { MinConclusive = 1, Epochs = 1, GradientTarget = 0, DeepEpochs = 1, DeepGradientTarget = 0, DeepFinishIterations = 0 };

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
        foreach (var claim in new[] { ClaimRuns.Claim(LowestLayerSpecializationClaim.Info, "relu"), ClaimRuns.Claim(CoreArgumentClaim.Info, "relu", reading: Reading.Paper), IndependenceClaim.Info })
        {
            var cases = result.CasesOf(claim);
            cases.Count.ShouldBe(3, $"{claim.Id}: no ReLU case reached the target, so all {Unreachable.MaxCases} were drawn");
            cases.Select(c => c.Problem.Seed).ShouldBe(Enumerable.Range(0, 3).Select(i => Seeds.Of(31, "relu", i)), $"{claim.Id}: cases 0, 1, 2 of the ReLU stream");
            cases.ShouldAllBe(c => c.Problem.Leak == 0 && c.Outcome.Claim.Id == claim.Id);
        }
        foreach (var claim in new[] { ClaimRuns.Claim(LowestLayerSpecializationClaim.Info, "leaky"), ClaimRuns.Claim(CoreArgumentClaim.Info, "leaky"), ClaimRuns.Claim(VanishingClaim.Info, "leaky", reading: Reading.Paper) })
        {
            var cases = result.CasesOf(claim);
            cases.Select(c => c.Problem.Seed).ShouldBe(Enumerable.Range(0, 3).Select(i => Seeds.Of(31, "leaky", i)), $"{claim.Id}: the leaky stream");
            cases.ShouldAllBe(c => c.Problem.Leak == 0.1 && c.Outcome.Claim.Id == claim.Id);
        }
        var decay = result.CasesOf(ClaimRuns.Claim(LowestLayerSpecializationClaim.Info, "relu", "decay"));
        decay.Select(c => c.Problem.Seed).ShouldBe(Enumerable.Range(0, 3).Select(i => Seeds.Of(31, "decay.relu", i)), "each other family has a stream of its own");
        decay.ShouldAllBe(c => c.Problem.Decay >= 0 && c.Problem.Decay <= 2.5);
        foreach (var activation in new[] { "relu", "leaky" })
        {
            var deep = result.CasesOf(ClaimRuns.Claim(LowestLayerSpecializationClaim.Info, activation, "three-layer", Reading.Paper));
            deep.ShouldAllBe(c => c.Problem.Depth == 2 && c.Problem.Leak == (activation == "relu" ? 0 : 0.1), "three-layer cases, one stream per activation");
            deep.Count.ShouldBe(Unreachable.DeepMaxCases, "no deep case reached the precondition, so the cap was drawn");
            deep.Select(c => c.Problem.Seed).ShouldBe(Enumerable.Range(0, Unreachable.DeepMaxCases).Select(i => Seeds.Of(31, $"three-layer.{activation}", i)));
            deep.ShouldAllBe(c => c.Problem.StudentWidths.Zip(c.Problem.Widths).All(w => w.First == c.Problem.Multi * w.Second), "over-realized at every hidden layer");
            deep.ShouldAllBe(c => c.Problem.Samples >= 100 && c.Problem.Samples <= 200);
            result.Outcome(ClaimRuns.Claim(LowestLayerSpecializationClaim.Info, activation, "four-layer", Reading.Paper)).Reason!
                .ShouldContain("Nightly", customMessage: "four-layer cases are drawn in the Nightly tier only");
        }
        Unreachable.Vanishing(Reading.Hyperplane).AllowMirror.ShouldBeTrue("the hyperplane reading of claim 4 credits verified mirrors, as claims 1 and 2 do");
        Unreachable.Vanishing(Reading.Paper).PaperReading.ShouldBeTrue("the paper's reading credits nothing but alignment and ~0 fan-out");
        Unreachable.Vanishing(Reading.Paper).FanOut.ShouldBe(Unreachable.VanishedFanOut);
        foreach (var c in result.CasesOf(IndependenceClaim.Info))
            c.Outcome.Evidence.ShouldContain($"on N = {30 * c.Problem.Widths[0]}:", Case.Insensitive, "claim 8 reads 30 teacher-aware points per teacher node");

        // Each verdict tallies the cases it lists.
        var drawn = result.Outcomes.Where(o => result.CasesOf(o.Claim).Count > 0).ToArray();
        foreach (var outcome in drawn)
        {
            var cases = result.CasesOf(outcome.Claim);
            outcome.Cases.ShouldBe(CaseCounts.Of(cases.Select(c => c.Outcome)), outcome.Claim.Id);
        }
        foreach (var claim in TheoremChecks.TwoLayerClaims.Concat(TheoremChecks.DeepClaims))
            result.Outcome(claim).Verdict.ShouldBe(Verdict.Inconclusive, $"{claim.Id}: no case reached the precondition");
        drawn.ShouldAllBe(o => ((ClaimOutcome<TallyNumbers>)o).Numbers.MinConclusive == Unreachable.MinConclusive);
        result.Outcomes.Except(drawn).Select(o => o.Claim.Family).ShouldAllBe(f => f == "four-layer", "only the Nightly tier's family is left undrawn");
    }

    [Test]
    public void ProgressCounts_EveryCase_UpToTheTotal()
    {
        var progress = Run().Progress;
        var deep = 2 * Unreachable.DeepMaxCases;
        var total = CaseFamily.All.Count * (3 + 3) + deep;
        progress.Count.ShouldBe(total, $"one report per case drawn: 3 per two-layer family and activation, {Unreachable.DeepMaxCases} per activation of the three-layer family");
        progress.Select(p => p.Done).Order().ShouldBe(Enumerable.Range(1, total));
        progress.ShouldAllBe(p => p.Done <= p.Total);
        progress.Max(p => p.Total).ShouldBe(total);
    }

    // ---- the stopping rule and the rounds, without training ----

    /// <summary>Draws with a judge that calls case i conclusive when <paramref name="conclusive"/>(i); returns the rounds asked for.</summary>
    static List<int[]> Rounds(Func<int, bool> conclusive, int minConclusive, int maxCases)
    {
        var rounds = new List<int[]>();
        var judged = TheoremChecks.DrawUntilConclusive(
            indices => { rounds.Add(indices.ToArray()); return indices.Select(conclusive).ToArray(); },
            list => list.Count(c => c) >= minConclusive, minConclusive, maxCases);
        judged.Count.ShouldBe(rounds.Sum(r => r.Length), "every case drawn is returned");
        rounds.SelectMany(r => r).ShouldBe(Enumerable.Range(0, judged.Count), "cases 0, 1, 2, ... in order, none twice");
        return rounds;
    }

    [Test]
    public void Rounds_DrawTheMinimumPlusAQuarter_ThenAQuarterAtATime_UpToTheCap()
    {
        Rounds(_ => true, 16, 48).Select(r => r.Length).ShouldBe([20], "all conclusive: one round of 16 + 4");
        Rounds(i => i % 2 == 0, 16, 48).Select(r => r.Length).ShouldBe([20, 4, 4, 4], "half conclusive: 10 after the first round, then 4 at a time to 16");
        Rounds(_ => false, 16, 48).Select(r => r.Length).ShouldBe([20, 4, 4, 4, 4, 4, 4, 4], "none conclusive: up to the cap of 48");
        Rounds(i => i >= 20, 16, 48).Select(r => r.Length).ShouldBe([20, 4, 4, 4, 4], "stops at exactly the minimum (cases 20..35 conclusive)");
        Rounds(_ => false, 1, 3).Select(r => r.Length).ShouldBe([2, 1], "minimum 1: a round of 2, then at least 2 but the cap leaves 1");
        Rounds(_ => false, 9, 27).Select(r => r.Length).ShouldBe([12, 3, 3, 3, 3, 3], "a quarter rounded up: 3");
    }

    static IReadOnlyDictionary<string, ClaimOutcome> Verdicts(params (ClaimInfo Claim, Verdict Verdict)[] verdicts) =>
        verdicts.ToDictionary(v => v.Claim.Id, v => (ClaimOutcome)Outcome.Judged(v.Claim, v.Verdict == Verdict.Inconclusive ? "not reached" : null, v.Verdict != Verdict.Fails, "case", NoNumbers.Instance));

    [Test]
    public void Enough_NeedsTheMinimumOfEveryRequiredClaim_ForEachActivation()
    {
        var c1 = ClaimRuns.Claim(LowestLayerSpecializationClaim.Info, "relu");
        var c2 = ClaimRuns.Claim(CoreArgumentClaim.Info, "relu");
        TheoremChecks.RequiredClaims(0, CaseFamily.Base).ShouldBe([c1, c2], "ReLU cases: claims 1 and 2 (one reading: they share the precondition)");
        var l1 = ClaimRuns.Claim(LowestLayerSpecializationClaim.Info, "leaky");
        var l2 = ClaimRuns.Claim(CoreArgumentClaim.Info, "leaky");
        var c4 = ClaimRuns.Claim(VanishingClaim.Info, "leaky");
        TheoremChecks.RequiredClaims(0.1, CaseFamily.Base).ShouldBe([l1, l2, c4], "leaky cases: and claim 4");
        var full = Verdicts((c1, Verdict.Holds), (c2, Verdict.Fails), (l1, Verdict.Holds), (l2, Verdict.Fails), (c4, Verdict.Holds));
        var noC2 = Verdicts((c1, Verdict.Holds), (c2, Verdict.Inconclusive), (l1, Verdict.Holds), (l2, Verdict.Inconclusive), (c4, Verdict.Holds));
        var noC4 = Verdicts((c1, Verdict.Holds), (c2, Verdict.Holds), (l1, Verdict.Holds), (l2, Verdict.Holds), (c4, Verdict.Inconclusive));
        var b = CaseFamily.Base;

        TheoremChecks.Enough([full, full], 0, b, 2).ShouldBeTrue("a failing case is conclusive");
        TheoremChecks.Enough([full, full], 0, b, 3).ShouldBeFalse("two cases are not three");
        TheoremChecks.Enough([full, noC2], 0, b, 2).ShouldBeFalse("claim 2 has one conclusive case");
        TheoremChecks.Enough([full, noC4], 0, b, 2).ShouldBeTrue("claim 4 is not required of ReLU cases");
        TheoremChecks.Enough([full, noC4], 0.1, b, 2).ShouldBeFalse("claim 4 is required of leaky cases");
        TheoremChecks.Enough([full, noC4, full], 0.1, b, 2).ShouldBeTrue();
        TheoremChecks.Enough([], 0, b, 1).ShouldBeFalse();
    }
}
