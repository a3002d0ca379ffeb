using NUnit.Framework;
using Shouldly;
using Verify.Model.Analysis;
using Verify.Model.Claims;
using Verify.Model.Protocols;
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
        Should.Throw<ArgumentOutOfRangeException>(() => CaseTally.Summarize(C, Cases(1, 0, 0), 0)).Message.ShouldContain("at least one conclusive case");
        CaseTally.Summarize(C, Cases(1, 0, 0), 1).Verdict.ShouldBe(Verdict.Holds, "a minimum of one is allowed");
    }

    /// <summary>
    /// The gap between the readings, counted per case: paper fails and hyperplane holds is the finding about the
    /// paper's wording; both failing is a counterexample to both; cases inconclusive under the paper's reading are
    /// left out. Each reading is its own claim, tallied by the same rule.
    /// </summary>
    [Test]
    public void ReadingGaps_CountThePaperFailingWhereTheHyperplaneReadingHolds()
    {
        var paper = new ClaimInfo("x.relu.base.paper", "s", "r") { Reading = Reading.Paper, Family = "base" };
        var hyper = new ClaimInfo("x.relu.base.hyperplane", "s", "r") { Reading = Reading.Hyperplane, Family = "base" };
        var problem = new SmallProblem(3, [2], 0, 0, 2, 10, 1);
        CaseVerdict[] Cases(ClaimInfo claim, params Verdict[] verdicts) => verdicts.Select(v => new CaseVerdict(problem, Case(v) with { Claim = claim })).ToArray();
        var paperCases = Cases(paper, Verdict.Holds, Verdict.Fails, Verdict.Fails, Verdict.Inconclusive);
        var hyperCases = Cases(hyper, Verdict.Holds, Verdict.Holds, Verdict.Fails, Verdict.Inconclusive);
        var result = new TheoremCheckResult(1,
            [CaseTally.Summarize(paper, paperCases.Select(c => c.Outcome).ToArray(), 1), CaseTally.Summarize(hyper, hyperCases.Select(c => c.Outcome).ToArray(), 1)],
            new Dictionary<string, IReadOnlyList<CaseVerdict>> { [paper.Id] = paperCases, [hyper.Id] = hyperCases });

        var gap = result.ReadingGaps().ShouldHaveSingleItem();
        (gap.Claim, gap.Conclusive, gap.PaperFailsHyperplaneHolds, gap.BothFail).ShouldBe(("x.relu.base", 3, 1, 1));
        gap.Rate.ShouldBe(1 / 3.0, 1e-15);
        (gap.Low95, gap.High95).ShouldBe(Statistics.ClopperPearson(1, 3));
        result.Outcome(paper).Verdict.ShouldBe(Verdict.Fails, "each reading is tallied by the same rule");
        result.Outcome(hyper).Verdict.ShouldBe(Verdict.Fails);
    }

    [Test]
    public void Tally_NamesTheReasonsOfInconclusiveCases_InItsEvidence()
    {
        var unnamed = new ClaimOutcome<NoNumbers>(C, Verdict.Inconclusive, "e", NoNumbers.Instance);
        var tally = CaseTally.Summarize(C, [Case(Verdict.Holds), unnamed, Case(Verdict.Inconclusive, "why"), Case(Verdict.Inconclusive, "why")], 1);
        tally.Numbers.InconclusiveReasons.ShouldBe(["1 x precondition not reached", "2 x why"], "a case with no reason missed the precondition");
        tally.Evidence.ShouldEndWith("; inconclusive: 1 x precondition not reached, 2 x why");
    }

    [Test]
    public void Outcomes_ListNumbersToFourDecimals_CommaSeparated() =>
        Outcome.Join([1, 0.123456, -2.5]).ShouldBe("1, 0.1235, -2.5");

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

        Should.Throw<ArgumentOutOfRangeException>(() => Statistics.BinomialUpperTail(1, -1, 0.5)).Message.ShouldContain("0 <= successes <= trials; got 1 of -1");
        Should.Throw<ArgumentOutOfRangeException>(() => Statistics.BinomialUpperTail(-1, 3, 0.5));
        Should.Throw<ArgumentOutOfRangeException>(() => Statistics.BinomialUpperTail(4, 3, 0.5));
        Should.Throw<ArgumentOutOfRangeException>(() => Statistics.BinomialUpperTail(1, 3, 0)).Message.ShouldContain("Probability must lie in (0, 1)");
        Should.Throw<ArgumentOutOfRangeException>(() => Statistics.BinomialUpperTail(1, 3, 1));
        Statistics.BinomialUpperTail(3, 3, 0.5).ShouldBe(0.125, 1e-12, "all successes: p^n");
        Statistics.BinomialUpperTail(1, 3, 0.5).ShouldBe(0.875, 1e-12, "at least one of three");
        Statistics.BinomialUpperTail(0, 0, 0.5).ShouldBe(1, "no trials: nothing can be significant");

        Should.Throw<ArgumentOutOfRangeException>(() => Statistics.MinimumTrials(0)).Message.ShouldContain("Significance must lie in (0, 1)");
        Should.Throw<ArgumentOutOfRangeException>(() => Statistics.MinimumTrials(1));
        Should.Throw<ArgumentOutOfRangeException>(() => Statistics.MinimumTrials(0.05, 0)).Message.ShouldContain("Probability must lie in (0, 1)");
        Should.Throw<ArgumentOutOfRangeException>(() => Statistics.MinimumTrials(0.05, 1));
        Statistics.MinimumTrials(0.25).ShouldBe(2, "0.5^2 = 0.25 reaches alpha exactly");
        Statistics.MinimumTrials(0.05, 0.1).ShouldBe(2, "0.1^2 <= 0.05 < 0.1");

        Should.Throw<ArgumentOutOfRangeException>(() => Statistics.ClopperPearson(0, 0)).Message.ShouldContain("trials >= 1; got 0 of 0");
        Should.Throw<ArgumentOutOfRangeException>(() => Statistics.ClopperPearson(-1, 3));
        var (low, high) = Statistics.ClopperPearson(1, 1);
        low.ShouldBe(0.025, 1e-9, "one success of one: the low end is alpha/2");
        high.ShouldBe(1.0, "all successes: the high end is 1");
        (low, high) = Statistics.ClopperPearson(0, 1);
        low.ShouldBe(0.0, "no success: the low end is 0");
        high.ShouldBe(0.975, 1e-9);
        Statistics.ClopperPearson(0, 10, alpha: 0.1).High.ShouldBe(1 - Math.Pow(0.05, 0.1), 1e-9, "the level is a parameter");
    }

    // claims 5 and 6: StrongFirstContractsTest and OverRealizationContractsTest.

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
        Should.Throw<ArgumentOutOfRangeException>(() => TheoremChecks.Run(1, new TheoremCheckSettings { MinConclusive = 0 })).Message.ShouldContain("at least one conclusive case");
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

    /// <summary>The claims judged under one id with variants (per activation, per depth), beside the catalog's entries.</summary>
    static IEnumerable<ClaimInfo> EveryClaimInfo => ClaimCatalog.All.Concat([LowestLayerSpecializationClaim.Info, CoreArgumentClaim.Info]);

    [Test]
    public void EveryClaim_HasAnId_AStatement_AndWhereThePaperStatesIt_EachItsOwn()
    {
        foreach (var claim in EveryClaimInfo)
        {
            claim.Id.ShouldMatch("^[a-z0-9]+(-[a-z0-9]+)*(\\.[a-z0-9]+(-[a-z0-9]+)*)*$", $"'{claim.Id}': ids are the keys of claims.json");
            claim.Statement.Length.ShouldBeGreaterThan(20, $"{claim.Id}: the statement says what is claimed");
            claim.PaperRef.ShouldNotBeNullOrWhiteSpace($"{claim.Id}: where the paper states it");
            claim.ToString().ShouldBe(claim.Id);
        }
        EveryClaimInfo.Select(c => c.Id).Distinct().Count().ShouldBe(EveryClaimInfo.Count(), "a variant has its own id");
        EveryClaimInfo.Select(c => c.Statement).Distinct().Count().ShouldBe(EveryClaimInfo.Count(), "a variant says which variant it is");
        foreach (var (variant, of) in new[] { (ClaimRuns.Claim(LowestLayerSpecializationClaim.Info, "relu"), LowestLayerSpecializationClaim.Info),
                     (ClaimRuns.Claim(LowestLayerSpecializationClaim.Info, "leaky", "sgd", Reading.Paper), LowestLayerSpecializationClaim.Info),
                     (ClaimRuns.Claim(LowestLayerSpecializationClaim.Info, "leaky", "three-layer", Reading.Paper), LowestLayerSpecializationClaim.Info), (ClaimRuns.Claim(CoreArgumentClaim.Info, "relu", "wide"), CoreArgumentClaim.Info),
                     (ClaimRuns.Claim(VanishingClaim.Info, "leaky", "near-n-star", Reading.Paper), VanishingClaim.Info), (VanishingClaim.LShapeLeaky, VanishingClaim.LShape) })
        {
            variant.Id.ShouldStartWith(of.Id + ".", customMessage: "a variant's id extends its claim's");
            variant.Statement.ShouldStartWith(of.Statement, customMessage: "a variant states its claim, then the variant");
            variant.PaperRef.ShouldBe(of.PaperRef);
        }
    }

    [Test]
    public void TheCatalog_GroupsTheClaimsByThePartsOfReproduce_InTheReportsOrder()
    {
        var parts = Verify.Cli.ReproduceCommand.Experiments;
        ClaimCatalog.Entries.Select(e => e.Experiment).Distinct().ShouldBe(parts, "every part of `verify reproduce` judges a claim, and no claim names another part");
        var order = ClaimCatalog.Entries.Select(e => Array.IndexOf(parts, e.Experiment)).ToArray();
        order.ShouldBe(order.Order().ToArray(), "a part's claims sit together, in the report's order");
        foreach (var (part, claims) in new[]
                 {
                     ("theorems", new[] { IndependenceClaim.Info, ClaimRuns.Claim(VanishingClaim.Info, "leaky") }),
                     ("two-layer", new[] { VanishingClaim.LShape, StrongTeachersFirstClaim.Info, StrongTeachersFirstByGradientClaim.Info, OverRealizationClaim.Info, KeepsWhatItFoundClaim.Info }),
                     ("leaky", new[] { VanishingClaim.LShapeLeaky, LeakyStrongTeachersClaim.Info }),
                     ("sample-size", new[] { SampleSizeClaim.Info, TeacherAwareDataClaim.Info }),
                     ("multi-layer", new[] { MultiLayerClaim.Info }),
                     ("cifar10", new[] { ImagesOverRealizationClaim.Info }),
                 })
            foreach (var claim in claims)
                ClaimCatalog.Entries.Single(e => e.Claim.Id == claim.Id).Experiment.ShouldBe(part, $"{claim.Id} is judged by the {part} part");
        ClaimCatalog.Entries.Where(e => e.Claim.Id.StartsWith("lowest-layer-specialization.", StringComparison.Ordinal) || e.Claim.Id.StartsWith("core-argument.", StringComparison.Ordinal))
            .ShouldAllBe(e => e.Experiment == "theorems", "claims 1 and 2 are theorem checks");
    }

    [Test]
    public void TheCatalog_FindsEachClaimById_AndNamesTheKnownOnesWhenAskedForAnother()
    {
        ClaimCatalog.All.Select(c => c.Id).Distinct().Count().ShouldBe(ClaimCatalog.All.Count, "ids are the keys of claims.json");
        foreach (var claim in ClaimCatalog.All) ClaimCatalog.Find(claim.Id).ShouldBeSameAs(claim);
        Should.Throw<KeyNotFoundException>(() => ClaimCatalog.Find("no-such-claim")).Message.ShouldContain("independence, lowest-layer-specialization.relu.three-layer.paper");

        var result = new TheoremCheckResult(3, [Outcome.NotJudged(C, "x")], new Dictionary<string, IReadOnlyList<CaseVerdict>>());
        result.Outcome(C).Claim.ShouldBe(C);
        Should.Throw<KeyNotFoundException>(() => result.Outcome(IndependenceClaim.Info)).Message.ShouldContain("'independence'");
        result.CasesOf(C).ShouldBeEmpty();
    }
}
