using NUnit.Framework;
using Shouldly;
using Verify.Model.Claims;
using Verify.Model.Theory;

namespace Verify.Properties.Claims;

/// <summary>
/// The rules that turn many cases into one verdict, at their edges: a tally's counts and bounds,
/// the gate of a pass rate, the sign tests of claims 5 and 6 with their hypotheses, the statistics'
/// guards, the case space and the settings the theorem checks draw from. Each expectation follows
/// from the rule's statement (the doc comment it sits under), not from a recorded output.
/// </summary>
[TestFixture]
public sealed class VerdictContractsTest
{
    static readonly ClaimInfo C = new("c", "a claim", "nowhere");

    static ClaimOutcome Case(Verdict v, string? reason = null, string evidence = "case") =>
        Outcome.Judged(C, v == Verdict.Inconclusive ? reason ?? "not reached" : null, v != Verdict.Fails, evidence, NoNumbers.Instance);

    static ClaimOutcome[] Cases(int holds, int fails, int inconclusive) =>
        Enumerable.Repeat(Case(Verdict.Holds), holds).Concat(Enumerable.Repeat(Case(Verdict.Fails), fails))
            .Concat(Enumerable.Repeat(Case(Verdict.Inconclusive), inconclusive)).ToArray();

    // ---- tallies ----

    [Test]
    public void Tally_CountsEveryCase_AndBoundsTheFailureRateByClopperPearson()
    {
        var cases = Cases(holds: 7, fails: 1, inconclusive: 2).Prepend(Case(Verdict.Inconclusive, "other reason")).ToArray();
        var tally = CaseTally.Summarize(C, cases, 5, runSeed: 42);
        var n = tally.Numbers;
        (n.CasesDrawn, n.Conclusive, n.Holds, n.Fails, n.Inconclusive, n.MinConclusive).ShouldBe((11, 8, 7, 1, 3, 5));
        n.FailureRateUpper95!.Value.ShouldBe(Statistics.ClopperPearson(1, 8).High, 1e-15, "the failure rate's bound is over conclusive cases only");
        n.PassRate!.Value.ShouldBe(7.0 / 8, 1e-15);
        n.PassRateLow95!.Value.ShouldBe(Statistics.ClopperPearson(7, 8).Low, 1e-15);
        n.PassRateHigh95!.Value.ShouldBe(Statistics.ClopperPearson(7, 8).High, 1e-15);
        n.InconclusiveReasons.ShouldBe(["1 x other reason", "2 x not reached"]);
        tally.Verdict.ShouldBe(Verdict.Fails);
        tally.ConclusionObserved.ShouldBe(false);
        tally.Reason.ShouldBeNull("only an inconclusive verdict has a reason");
        tally.RunSeed.ShouldBe(42);
        tally.Cases.ShouldBe(new CaseCounts(11, 7, 1, 3));
    }

    [Test]
    public void Tally_PointsAtTheFirstFailingCase()
    {
        var cases = new[] { Case(Verdict.Holds, evidence: "a"), Case(Verdict.Fails, evidence: "b"), Case(Verdict.Fails, evidence: "c") };
        var tally = CaseTally.Summarize(C, cases, 1);
        tally.Numbers.FirstFailure.ShouldBe("b");
        tally.Evidence.ShouldContain("first failure: b");
        CaseTally.Summarize(C, Cases(2, 0, 0), 1).Numbers.FirstFailure.ShouldBeNull();
    }

    [Test]
    public void Tally_HoldsAtExactlyTheRequiredConclusiveCount_AndSaysWhatIsMissingBelowIt()
    {
        var atMinimum = CaseTally.Summarize(C, Cases(3, 0, 4), 3);
        atMinimum.Verdict.ShouldBe(Verdict.Holds, "3 conclusive cases meet a minimum of 3");
        atMinimum.ConclusionObserved.ShouldBe(true);
        var below = CaseTally.Summarize(C, Cases(2, 0, 4), 3);
        below.Verdict.ShouldBe(Verdict.Inconclusive);
        below.Reason.ShouldBe("2 conclusive cases, 3 needed");
        below.ConclusionObserved.ShouldBe(true, "the cases that were conclusive all held");
        CaseTally.Summarize(C, Cases(0, 0, 2), 1).ConclusionObserved.ShouldBe(false, "no conclusive case, no conclusion seen");
        var none = CaseTally.Summarize(C, Cases(0, 0, 2), 1).Numbers;
        none.FailureRateUpper95.ShouldBeNull();
        none.PassRate.ShouldBeNull();
        Should.Throw<ArgumentOutOfRangeException>(() => CaseTally.Summarize(C, Cases(1, 0, 0), 0));
        CaseTally.Summarize(C, Cases(1, 0, 0), 1).Verdict.ShouldBe(Verdict.Holds, "a minimum of one is allowed");
    }

    [Test]
    public void PassRate_GatesOnlyWithEnoughConclusiveCases()
    {
        var gated = CaseTally.PassRate(C, Cases(3, 1, 0), 4);
        gated.Verdict.ShouldBe(Verdict.Fails, "with 4 conclusive cases of 4 needed the counterexample counts");

        var sample = CaseTally.PassRate(C, Cases(2, 1, 3), 4);
        sample.Verdict.ShouldBe(Verdict.Inconclusive, "3 conclusive cases of 4 needed: a pass rate, not a verdict");
        sample.Reason.ShouldBe("a pass rate, not gated: 3 conclusive cases, 4 needed to gate");
        sample.Evidence.ShouldStartWith("pass rate 0.67 (95% interval ");
        sample.Numbers.PassRate!.Value.ShouldBe(2.0 / 3, 1e-15);

        CaseTally.PassRate(C, Cases(0, 0, 3), 4).Evidence.ShouldNotContain("pass rate", customMessage: "no conclusive case, no rate to state");
    }

    [Test]
    public void CaseCounts_StateTheirBoundInWords()
    {
        var counts = new CaseCounts(20, 16, 0, 4);
        counts.Conclusive.ShouldBe(16);
        counts.FailureRateUpper95!.Value.ShouldBe(1 - Math.Pow(0.025, 1.0 / 16), 1e-9);
        counts.ToString().ShouldBe("20 cases drawn, 16 conclusive: 16 hold, 0 fail, 4 inconclusive; failure rate <= 0.206 (Clopper-Pearson 95%)");
        new CaseCounts(2, 0, 0, 2).ToString().ShouldNotContain("failure rate");
        CaseCounts.Of([Case(Verdict.Holds), Case(Verdict.Fails), Case(Verdict.Inconclusive), Case(Verdict.Inconclusive)]).ShouldBe(new CaseCounts(4, 1, 1, 2));
    }

    [Test]
    public void Outcomes_CarryAReasonExactlyWhenInconclusive()
    {
        Outcome.Of(C, Verdict.Inconclusive, "e", NoNumbers.Instance).Reason.ShouldBe("precondition not reached");
        Outcome.Of(C, Verdict.Inconclusive, "e", NoNumbers.Instance, "why").Reason.ShouldBe("why");
        Outcome.Of(C, Verdict.Holds, "e", NoNumbers.Instance, "why").Reason.ShouldBeNull();
        var judged = Outcome.Judged(C, "missed", true, "e", NoNumbers.Instance);
        (judged.Verdict, judged.Reason, judged.ConclusionObserved).ShouldBe((Verdict.Inconclusive, "missed", true));
        Outcome.Judged(C, null, false, "e", NoNumbers.Instance).Verdict.ShouldBe(Verdict.Fails);
        var skipped = Outcome.NotJudged(C, "not run");
        (skipped.Verdict, skipped.Reason, skipped.Evidence).ShouldBe((Verdict.Inconclusive, "not run", "not run"));
        judged.ToString().ShouldBe("c: inconclusive [missed] (e)");
        Outcome.Judged(C, null, true, "e", NoNumbers.Instance).ToString().ShouldBe("c: holds (e)");
        judged.NumbersObject.ShouldBeSameAs(NoNumbers.Instance);
    }

    // ---- statistics ----

    [Test]
    public void Statistics_RefuseWhatTheyCannotCompute()
    {
        Should.Throw<ArgumentException>(() => Statistics.Spearman([1, 2], [1, 2, 3])).Message.ShouldContain("one length");
        Should.Throw<ArgumentException>(() => Statistics.Spearman([1], [1])).Message.ShouldContain("at least two pairs");
        Statistics.Spearman([1, 2], [2, 1]).ShouldBe(-1, 1e-12, "two pairs are enough");
        double.IsNaN(Statistics.Spearman([1, 2, 3], [4, 4, 4])).ShouldBeTrue("no spread in the second list either");

        Should.Throw<ArgumentOutOfRangeException>(() => Statistics.BinomialUpperTail(1, -1, 0.5));
        Should.Throw<ArgumentOutOfRangeException>(() => Statistics.BinomialUpperTail(-1, 3, 0.5));
        Should.Throw<ArgumentOutOfRangeException>(() => Statistics.BinomialUpperTail(4, 3, 0.5));
        Should.Throw<ArgumentOutOfRangeException>(() => Statistics.BinomialUpperTail(1, 3, 0));
        Should.Throw<ArgumentOutOfRangeException>(() => Statistics.BinomialUpperTail(1, 3, 1));
        Statistics.BinomialUpperTail(3, 3, 0.5).ShouldBe(0.125, 1e-12, "all successes: p^n");
        Statistics.BinomialUpperTail(1, 3, 0.5).ShouldBe(0.875, 1e-12, "at least one of three");
        Statistics.BinomialUpperTail(0, 0, 0.5).ShouldBe(1, "no trials: nothing can be significant");

        Should.Throw<ArgumentOutOfRangeException>(() => Statistics.MinimumTrials(0));
        Should.Throw<ArgumentOutOfRangeException>(() => Statistics.MinimumTrials(1));
        Should.Throw<ArgumentOutOfRangeException>(() => Statistics.MinimumTrials(0.05, 0));
        Should.Throw<ArgumentOutOfRangeException>(() => Statistics.MinimumTrials(0.05, 1));
        Statistics.MinimumTrials(0.25).ShouldBe(2, "0.5^2 = 0.25 reaches alpha exactly");
        Statistics.MinimumTrials(0.05, 0.1).ShouldBe(2, "0.1^2 <= 0.05 < 0.1");

        Should.Throw<ArgumentOutOfRangeException>(() => Statistics.ClopperPearson(0, 0));
        Should.Throw<ArgumentOutOfRangeException>(() => Statistics.ClopperPearson(-1, 3));
        var (low, high) = Statistics.ClopperPearson(1, 1);
        low.ShouldBe(0.025, 1e-9, "one success of one: the low end is alpha/2");
        high.ShouldBe(1.0, "all successes: the high end is 1");
        (low, high) = Statistics.ClopperPearson(0, 1);
        low.ShouldBe(0.0, "no success: the low end is 0");
        high.ShouldBe(0.975, 1e-9);
        Statistics.ClopperPearson(0, 10, alpha: 0.1).High.ShouldBe(1 - Math.Pow(0.05, 0.1), 1e-9, "the level is a parameter");
    }

    // ---- claim 5: strong teachers first ----

    static CoverageTimeline Timeline(double[] strengths, int?[] epochs, int epochsRun = 10) => new("run", epochs, strengths, epochsRun);

    [Test]
    public void StrongFirst_JudgesOnlyRunsWithAnOrderOfStrengthAndOfCoverage()
    {
        var ordered = Timeline([4, 2, 1], [1, 2, 3]);
        var runs = new[]
        {
            ordered, ordered, ordered, ordered, ordered,
            Timeline([2, 1], [1, 2]),              // ratio exactly 2: conclusive
            Timeline([1.9, 1], [1, 2]),            // within a factor 1.9: inconclusive
            Timeline([3], [1]),                    // one teacher
            Timeline([4, 1], [3, 3]),              // no order resolved
            Timeline([4, 1], [2, 1]),              // the weak one first: a conclusive failure
        };
        var outcome = StrongTeachersFirstClaim.Judge(runs);
        var n = outcome.Numbers;
        (n.Runs, n.Conclusive, n.Successes, n.RunsNeeded).ShouldBe((10, 7, 6, 5));
        n.PValue.ShouldBe(Statistics.BinomialUpperTail(6, 7, 0.5), 1e-15);
        n.MinStrengthRatio.ShouldBe(2);
        outcome.Cases.ShouldBe(new CaseCounts(10, 6, 1, 3));
        outcome.Verdict.ShouldBe(Verdict.Fails, "6 of 7 has p = 0.0625 > 0.05");
        outcome.ConclusionObserved.ShouldBe(false);
        outcome.Evidence.ShouldContain("fewer than two teacher nodes");
        outcome.Evidence.ShouldContain("strengths within a factor 1.9");
        outcome.Evidence.ShouldContain("no order resolved");
        n.MeanRankCorrelation.ShouldBe((5 * 1.0 + 1 - 1) / 7, 1e-12, "mean Spearman over conclusive runs");

        var strong = StrongTeachersFirstClaim.Judge(runs.Take(6).ToArray());
        strong.Verdict.ShouldBe(Verdict.Holds, "6 of 6 has p = 1/64 <= 0.05");
        strong.ConclusionObserved.ShouldBe(true);
        var pOfSix = Statistics.BinomialUpperTail(6, 6, 0.5);
        StrongTeachersFirstClaim.Judge(runs.Take(6).ToArray(), alpha: pOfSix).Verdict.ShouldBe(Verdict.Holds, "p equal to alpha is significant");

        var tooFew = StrongTeachersFirstClaim.Judge(runs.Take(4).ToArray());
        tooFew.Verdict.ShouldBe(Verdict.Inconclusive, "4 conclusive runs cannot reach 0.05");
        tooFew.Reason.ShouldBe("4 conclusive runs, 5 needed for the sign test");
        var single = StrongTeachersFirstClaim.Judge([Timeline([3], [1])]);
        single.Evidence.ShouldContain("fewer than two teacher nodes", customMessage: "a run of one teacher is inconclusive, not an error");
        double.IsNaN(single.Numbers.MeanRankCorrelation).ShouldBeTrue("no conclusive run, no mean");
    }

    [Test]
    public void StrongFirst_RanksANeverCoveredTeacherAfterEveryEpoch()
    {
        Timeline([1, 2], [3, null], epochsRun: 7).EpochOrNever.ShouldBe([3.0, 8.0]);
        var outcome = StrongTeachersFirstClaim.Judge(Enumerable.Repeat(Timeline([4, 1], [9, null], epochsRun: 9), 5).ToArray());
        outcome.Numbers.Successes.ShouldBe(5, "the weak teacher never covered comes after epoch 9 of 9");
    }

    // ---- claim 6: over-realization helps ----

    static WidthSeries Series(params (int Multi, double Coverage, double Loss)[] widths) =>
        new("s", widths.Select(w => new WidthResult(w.Multi, w.Coverage, w.Loss)).ToArray());

    [Test]
    public void OverRealization_CountsSeriesWithCoverageNotFallingAndLossFalling()
    {
        var good = Series((1, 0.4, 1.0), (2, 0.4, 0.9), (3, 0.6, 0.5));
        var runs = new[]
        {
            good, good, good, good, good,
            Series((1, 0.4, 1.0), (2, 0.6, 0.9), (3, 0.5, 0.5)),   // coverage falls in the middle
            Series((1, 0.4, 1.0), (2, 0.6, 1.2), (3, 0.8, 1.0)),   // last loss equals the first
        };
        var outcome = OverRealizationClaim.Judge(runs);
        var n = outcome.Numbers;
        (n.Series, n.Successes, n.SeriesNeeded).ShouldBe((7, 5, 5));
        n.PValue.ShouldBe(Statistics.BinomialUpperTail(5, 7, 0.5), 1e-15);
        n.Multis.ShouldBe([1, 2, 3]);
        n.MeanCoveragePerWidth[0].ShouldBe(0.4, 1e-12);
        n.MeanCoveragePerWidth[1].ShouldBe((5 * 0.4 + 0.6 + 0.6) / 7, 1e-12);
        n.MeanCoveragePerWidth[2].ShouldBe((5 * 0.6 + 0.5 + 0.8) / 7, 1e-12);
        outcome.Cases.ShouldBe(new CaseCounts(7, 5, 2, 0));
        outcome.Verdict.ShouldBe(Verdict.Fails, "5 of 7 is not significant");

        OverRealizationClaim.Judge(runs.Take(5).ToArray()).Verdict.ShouldBe(Verdict.Holds, "5 of 5: p = 1/32");
        var tooFew = OverRealizationClaim.Judge(runs.Take(4).ToArray());
        tooFew.Verdict.ShouldBe(Verdict.Inconclusive);
        tooFew.Reason.ShouldBe("4 series, 5 needed for the sign test");
        Should.Throw<ArgumentException>(() => OverRealizationClaim.Judge([])).Message.ShouldContain("No series");
        Should.Throw<ArgumentException>(() => OverRealizationClaim.Judge([Series((1, 0.5, 1.0))])).Message.ShouldContain("two or more widths");
    }

    // ---- what the theorem checks draw from ----

    [Test]
    public void TheCaseSpace_DrawsEveryValueOfItsRanges_AndNothingOutside()
    {
        var space = new SmallProblemSpace(2, 4, 3, 5, 0.1, [0, 0.5, 1], 2, 3, 77, Depth: 3, UpperWidth: 6);
        var draws = Enumerable.Range(0, 300).Select(i => space.Draw(5, "s", i)).ToArray();
        draws.Select(p => p.D).Distinct().Order().ToArray().ShouldBe([2, 3, 4], "d spans [MinD, MaxD], both ends included");
        draws.Select(p => p.Widths[0]).Distinct().Order().ToArray().ShouldBe([3, 4, 5]);
        draws.Select(p => p.Multi).Distinct().Order().ToArray().ShouldBe([2, 3]);
        draws.Select(p => p.Decay).Distinct().Order().ToArray().ShouldBe([0, 0.5, 1]);
        draws.ShouldAllBe(p => p.Widths.Length == 3 && p.Widths[1] == 6 && p.Widths[2] == 6 && p.Leak == 0.1 && p.Samples == 77);
        draws.Select(p => p.Seed).Distinct().Count().ShouldBe(300, "every case has its own seed");
        space.Draw(5, "s", 7).ToString().ShouldBe(draws[7].ToString(), "a draw replays from (run seed, stream, index)");
        space.Draw(5, "s", 7).Seed.ShouldBe(Verify.Model.Runtime.Seeds.Of(5, "s", 7));
    }

    [Test]
    public void TheSettings_DeriveTheirBudgetsFromTheStatedLevels()
    {
        var settings = new TheoremCheckSettings { MinConclusive = 7, GradientTarget = 5e-3, Epochs = 12 };
        settings.MaxCases.ShouldBe(21, "at most three times the conclusive cases needed");
        settings.Budget.GradientTarget.ShouldBe(5e-3);
        settings.Budget.Epochs.ShouldBe(12);
        settings.TwoLayerBudget.GradientTarget.ShouldBe(VanishingCriteria.SmallGradient, "two-layer cases, ReLU and leaky, train on to claim 4's level");
        (settings with { GradientTarget = 1e-4 }).TwoLayerBudget.GradientTarget.ShouldBe(1e-4, "never a looser target than the claim-1 one");
        settings.Space(0.1).ShouldSatisfyAllConditions(
            s => s.MaxD.ShouldBe(SmallProblemSpace.TwoLayer(0).MaxD), s => s.MaxMulti.ShouldBe(SmallProblemSpace.TwoLayer(0).MaxMulti), s => s.Leak.ShouldBe(0.1));
        (settings with { Wide = true }).Space(0.1).MaxD.ShouldBe(SmallProblemSpace.TwoLayerWide(0.1).MaxD, "the Nightly space is the wide one");
        SmallProblemSpace.TwoLayerWide(0.1).MaxD.ShouldBeGreaterThan(SmallProblemSpace.TwoLayer(0.1).MaxD);
        Should.Throw<ArgumentOutOfRangeException>(() => TheoremChecks.Run(1, new TheoremCheckSettings { MinConclusive = 0 }));
    }

    [Test]
    public void TheSamplePlan_RoundsTheBoundUp_AndRefusesOneTooLargeToBuild()
    {
        var bound = new SampleComplexity(SampleConstant: 1, GradientConstant: 1);
        var plan = SampleSizePlan.For(bound, 2, 4, 3, 1.0);
        plan.K.ShouldBe(SampleComplexity.K(2, 4));
        plan.Samples.ShouldBe((int)Math.Ceiling(bound.RequiredSamples(plan.K, 3, 1.0)));
        ((double)plan.Samples).ShouldBeGreaterThanOrEqualTo(bound.RequiredSamples(plan.K, 3, 1.0), "never fewer samples than the bound asks");
        plan.GradientLevel.ShouldBe(bound.GradientThreshold(plan.K, 3, 1.0));
        Should.Throw<ArgumentOutOfRangeException>(() => SampleSizePlan.For(bound, 50, 100, 100, 1e-6)).Message.ShouldContain("too many to build");
    }

    [Test]
    public void TheCatalog_FindsEachClaimById_AndNamesTheKnownOnesWhenAskedForAnother()
    {
        ClaimCatalog.All.Select(c => c.Id).Distinct().Count().ShouldBe(ClaimCatalog.All.Count, "ids are the keys of claims.json");
        foreach (var claim in ClaimCatalog.All) ClaimCatalog.Find(claim.Id).ShouldBeSameAs(claim);
        Should.Throw<KeyNotFoundException>(() => ClaimCatalog.Find("no-such-claim")).Message.ShouldContain("independence");

        var result = new TheoremCheckResult(3, [Outcome.NotJudged(C, "x")], new Dictionary<string, IReadOnlyList<CaseVerdict>>());
        result.Outcome(C).Claim.ShouldBe(C);
        Should.Throw<KeyNotFoundException>(() => result.Outcome(ExactFitClaim.Info));
        result.CasesOf(C).ShouldBeEmpty();
    }
}
