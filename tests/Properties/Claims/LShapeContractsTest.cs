using NUnit.Framework;
using Shouldly;
using Verify.Model.Claims;
using Verify.Model.Networks;
using static Verify.Properties.Claims.ExperimentRuns;

namespace Verify.Properties.Claims;

/// <summary>The L-shape, claim 4 run by run: each node held to the fan-out of the teacher it matches best, judged at the paper's budget.</summary>
[TestFixture]
public sealed class LShapeContractsTest
{
    [Test]
    public void LShape_HoldsANodeToTheFanOutOfTheTeacherItMatchesBest()
    {
        LShapeVerdict.NeitherShare(WithWeakTeacher(0.05, matched: 0)).ShouldBe(0, "0.05 is below 0.1 x the strong teacher's 1.0");
        LShapeVerdict.NeitherShare(WithWeakTeacher(0.05, matched: 1)).ShouldBe(1.0 / 3, "0.05 is above 0.1 x the weak teacher's 0.1");
        LShapeVerdict.NeitherShare(WithWeakTeacher(0.01, matched: 1)).ShouldBe(0, "0.01 is at 0.1 x 0.1: inclusive");
        var outcome = LShapeVerdict.Judge([WithWeakTeacher(0.05, matched: 1), WithWeakTeacher(0.03, matched: 1)]);
        outcome.Numbers.LargestNeitherFanOut.ShouldBe(0.05, "the largest fan-out of a node that is neither, over runs");
        outcome.Numbers.LargestNeitherRatio.ShouldBe(5, 1e-9, "0.05 over its level 0.01");
        outcome.Numbers.Fails.ShouldBe(2, "the tally's fields are the numbers' own");
        outcome.Evidence.ShouldContain("largest fan-out of such a node in an over-realized run 0.05");
        outcome.Numbers.LargestNeitherRun.ShouldBe(WithWeakTeacher(0.05, matched: 1).Config.ToString());
        outcome.Evidence.ShouldContain("vanished (||v|| <= 0.1 x the matched teacher's, 0.01 to 0.1)");
        outcome.Evidence.ShouldContain("largest such fan-out over its node's own vanishing level, over-realized runs: 5;");
        var withMulti1 = LShapeVerdict.Judge([WithWeakTeacher(0.05, matched: 1), WithAnalysis(Run(multi: 1, m: 1), spareFanOut: 0.9)]);
        withMulti1.Numbers.LargestNeitherFanOut.ShouldBe(0.05, "a run of multi 1 (no spare nodes) does not enter the largest fan-out");
        withMulti1.Numbers.LargestNeitherRatio.ShouldBe(5, 1e-9, "nor the largest ratio (its spare node has 0.9 over 0.1, ratio 9)");
        var clean = LShapeVerdict.Judge([WithWeakTeacher(0.01, matched: 1)]);
        (clean.Numbers.LargestNeitherFanOut, clean.Numbers.LargestNeitherRatio, clean.Numbers.LargestNeitherRun).ShouldBe((0.0, 0.0, null));
        clean.Evidence.ShouldContain("no over-realized run has such a node");
        VanishingCriteria.AtPaperBudget.MatchedTeacher.ShouldBeTrue();
        LShapeVerdict.Judge([WithWeakTeacher(0.05, matched: 1)], criteria: VanishingCriteria.AtPaperBudget with { MatchedTeacher = false }).Verdict
            .ShouldBe(Verdict.Holds, "against the strongest teacher's scale the same node counts as vanished");
    }

    [Test]
    public void LShape_JudgesEveryRunByClaim4AtThePaperBudget_AndFailsOnOneRun()
    {
        var vanished = WithAnalysis(Run(multi: 2, m: 1), spareFanOut: 0.1);
        var kept = WithAnalysis(Run(multi: 2, m: 1), spareFanOut: 0.5);
        LShapeVerdict.NeitherShare(vanished).ShouldBe(0, "fan-out 0.1 is within 0.1 x the teacher's 1.0");
        LShapeVerdict.NeitherShare(kept).ShouldBe(0.5);
        LShapeVerdict.Judge([vanished, vanished]).Verdict.ShouldBe(Verdict.Holds);
        var outcome = LShapeVerdict.Judge([vanished, kept]);
        outcome.Verdict.ShouldBe(Verdict.Fails, "one run with half its nodes left over refutes it");
        outcome.Claim.ShouldBe(VanishingClaim.LShape);
        outcome.Cases.ShouldBe(new CaseCounts(2, 1, 1, 0));
        LShapeVerdict.Cases([kept], VanishingClaim.LShapeLeaky).Single().Claim.ShouldBe(VanishingClaim.LShapeLeaky);
        LShapeVerdict.Judge([kept], criteria: VanishingCriteria.AtPaperBudget with { MaxNeitherShare = 0.5 }).Verdict.ShouldBe(Verdict.Holds, "the criteria are passed on");
        Should.Throw<ArgumentException>(() => LShapeVerdict.Judge([])).Message.ShouldContain("No runs");

        // The protocol's end: a run stopped before the paper's 100,000 steps is inconclusive, the tally says why, the numbers stay.
        var early = WithAnalysis(Run(multi: 2, m: 1), spareFanOut: 0.5, training: ProtocolEnd with { Steps = 10_000, EpochsRun = 10, MaxSampleGradient = 0.29 });
        var unfinished = LShapeVerdict.Judge([early, early]);
        unfinished.Verdict.ShouldBe(Verdict.Inconclusive, "a run short of the protocol is not a counterexample");
        unfinished.Reason.ShouldBe("precondition not reached: 2 of 2 runs stopped before the protocol's end (10000 to 10000 of 100000 steps, max per-sample gradient 0.29 to 0.29)");
        unfinished.Numbers.LargestNeitherFanOut.ShouldBe(0.5, "the figure's numbers are reported");
        LShapeVerdict.Judge([early], criteria: VanishingCriteria.AtPaperBudget with { MinSteps = 0 }).Verdict.ShouldBe(Verdict.Fails, "read without the precondition it would count");
        LShapeVerdict.Judge([early, kept]).Verdict.ShouldBe(Verdict.Fails, "a finished run that fails refutes it, whatever the unfinished ones");

        var leaky = Activation.LeakyRelu(0.1);
        var leakyRun = WithAnalysis(Run(multi: 2, m: 1, activation: leaky, end: [0.99]), spareFanOut: 0.1);
        SweepClaims.Leaky([leakyRun]).Select(o => (o.Claim.Id, o.Verdict)).ShouldBe([("lshape.leaky", Verdict.Holds), ("leaky-strong-teachers", Verdict.Holds)]);
        var twoLayer = SweepClaims.TwoLayer([vanished], [Run(multi: 1)], runSeed: 5);
        twoLayer.Select(o => o.Claim.Id).ShouldBe(["lshape", "strong-teachers-first", "strong-teachers-first.gradient", "over-realization-helps", "keeps-what-it-found"], "convergence is a table, not a claim");
        twoLayer[3].Reason.ShouldBe("hypothesis missed: no runs that differ only in multi");
        var paired = SweepClaims.TwoLayer([vanished], [Run(multi: 1), Run(multi: 2)], runSeed: 5);
        paired[3].Claim.ShouldBe(OverRealizationClaim.Info);
        paired[3].Reason.ShouldBe("non-tied series: 0 for early coverage, 0 for the first-covered epoch; 5 needed per sign test", "a paired series is judged");
        paired[1].NumbersObject.ShouldBeOfType<StrongFirstNumbers>().BootstrapSeed.ShouldBe(Verify.Model.Runtime.Seeds.Of(5, "bootstrap"), "the run seed names the bootstrap");
        paired[2].NumbersObject.ShouldBeOfType<StrongFirstByGradientNumbers>().BootstrapSeed.ShouldBe(Verify.Model.Runtime.Seeds.Of(5, "gradient-bootstrap"), "and the gradient reading's");
    }
}
