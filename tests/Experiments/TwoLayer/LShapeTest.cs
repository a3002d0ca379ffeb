using NUnit.Framework;
using Shouldly;
using Verify.Experiments.Support;
using Verify.Model.Claims;
using Verify.Model.Experiments;
using Verify.Model.Networks;
using Verify.TestSupport;

namespace Verify.Experiments.TwoLayer;

/// <summary>
/// Claim 4 as the paper's L-shape figure shows it: after training, every student node either
/// correlates above 0.95 with a teacher node or has a near-zero fan-out (relative to the teacher it matches best); the share of nodes that do
/// neither does not grow with multi. The verdict is <see cref="LShapeVerdict"/>: claim 4's one judge
/// (<see cref="VanishingClaim"/>) read at the paper's budget, the computation the `verify reproduce` report prints.
/// Seeds: the assertion is per run (every over-realized run must pass), so one seed per
/// configuration suffices to falsify it; the default sweep has 3 seeds x 4 multis x 3 p.
/// </summary>
/// <remarks>
/// "Near-zero" is 0.1 x the fan-out norm of the teacher the node matches best (issue 11: the
/// strongest teacher's scale hid the weak teachers, whose own norms at p = 2 sit below 0.1 of it).
/// The figure is read at the end of the paper's protocol, 100 epochs of 1,000 steps
/// (<see cref="Model.Rules.LShapePaperSteps"/>): at the paper's size the claim holds, 45 of 45 runs. The default
/// size stops after 10 epochs, at per-sample gradient 0.1 to 0.4 with un-specialized nodes still shrinking; read as
/// if finished it failed 4 of 27 runs (27 Nov 2026), which was pinned as a finding until the judge gained the
/// precondition. Now the default sweep is reported with its numbers, not judged.
/// </remarks>
[TestFixture]
public sealed class LShapeTest
{
    [Test, Category("Nightly"), Judges("lshape")]
    public void EachStudentNodeCorrelatesWithATeacherOrHasNearZeroFanOut()
    {
        var outcome = LShapeVerdict.Judge(ExperimentRuns.LShape("paper"));
        TestContext.Out.WriteLine(outcome);

        outcome.Verdict.ShouldBe(Verdict.Holds, outcome.ToString());
    }

    /// <summary>
    /// The precondition: the default sweep stops after 10 of the paper's 100 epochs, so every run misses the protocol's end
    /// and the judge says inconclusive, naming the steps and the gradients where the runs stopped, with the numbers of the
    /// figure (the share of nodes neither specialized nor vanished per multi, the largest such fan-out) in its evidence.
    /// </summary>
    [Test]
    public void AtTheDefaultSize_TheRunsStopBeforeTheProtocolsEnd_AndTheJudgeReportsTheirNumbersWithoutAVerdict()
    {
        var runs = ExperimentRuns.LShape("default");
        var outcome = LShapeVerdict.Judge(runs);
        TestContext.Out.WriteLine(outcome);

        runs.ShouldAllBe(r => r.Analysis.Training!.Steps < Model.Rules.LShapePaperSteps, "the default size is shorter than the paper's protocol");
        outcome.Verdict.ShouldBe(Verdict.Inconclusive, outcome.ToString());
        outcome.Reason!.ShouldStartWith($"precondition not reached: {runs.Length} of {runs.Length} runs stopped before the protocol's end", customMessage: outcome.ToString());
        outcome.Evidence.ShouldContain("mean share of nodes that are neither specialized nor vanished: multi 1:", customMessage: "the figure's numbers are reported");
        outcome.Numbers.Conclusive.ShouldBe(0);
    }

    /// <summary>
    /// Negative control: with the linear activation (no rectification, the hypothesis broken) a
    /// student node is any linear mix of teacher nodes, so many nodes neither correlate with one
    /// teacher node nor vanish; the same check must fail. 1 seed: the failure is per run.
    /// </summary>
    [Test]
    public void LinearNetworks_DoNotShowTheLShape()
    {
        var sweep = ExperimentRuns.Scale("default").LShape with { Multis = [2, 5], Decays = [1], Seeds = [1] };
        var runs = ExperimentRuns.TwoLayer("default/lshape-linear", (sweep with { Base = sweep.Base with { Activation = Activation.Linear, Epochs = 100, NEval = 1000 } }).Configs());

        var outcome = LShapeVerdict.Judge(runs);
        TestContext.Out.WriteLine(outcome);

        outcome.Verdict.ShouldBe(Verdict.Fails, outcome.ToString());
        outcome.Numbers.Conclusive.ShouldBe(runs.Length, "the control runs the protocol to its end");
        outcome.Numbers.Fails.ShouldBe(outcome.Numbers.Conclusive, "every linear run fails");
    }
}
