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
/// Finding at the default size under that reading (27 Nov 2026, 10 epochs of the paper's 100): the
/// claim **fails**, 4 of 27 over-realized runs since the runs of a seed share their batches (3 of 27
/// before); the first failing run is seed 1, multi 5, p 2, and the largest fan-out of such a node in an
/// over-realized run is 0.436 (seed 3, multi 2, p 2; `reproduce`, run seed 2020). Under the
/// strongest-teacher reading the same runs held. At the paper's size the claim holds, 45 of 45. The default
/// case asserts this finding so that a change shows; the paper-size case (Nightly) asserts the claim.
/// </remarks>
[TestFixture]
public sealed class LShapeTest
{
    [TestCase("default", Verdict.Fails), Judges("lshape")]
    [TestCase("paper", Verdict.Holds, Category = "Nightly")]
    public void EachStudentNodeCorrelatesWithATeacherOrHasNearZeroFanOut(string scale, Verdict expected)
    {
        var outcome = LShapeVerdict.Judge(ExperimentRuns.LShape(scale));
        TestContext.Out.WriteLine(outcome);

        outcome.Verdict.ShouldBe(expected, $"scale {scale}: {outcome}");
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
        var runs = ExperimentRuns.TwoLayer("default/lshape-linear", (sweep with { Base = sweep.Base with { Activation = Activation.Linear, Epochs = 5 } }).Configs());

        var outcome = LShapeVerdict.Judge(runs);

        outcome.Verdict.ShouldBe(Verdict.Fails, outcome.ToString());
        outcome.Numbers.Fails.ShouldBe(outcome.Numbers.Conclusive, "every linear run fails (the ReLU default: 4 of 27)");
    }
}
