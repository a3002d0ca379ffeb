using NUnit.Framework;
using Shouldly;
using Verify.Model.Analysis;
using Verify.Model.Claims;
using Verify.Model.Data;
using Verify.Model.Networks;
using Verify.Model.Training;
using Verify.TestSupport;
using static TorchSharp.torch;

namespace Verify.Properties.Claims;

/// <summary>
/// Claim 4: at a small-gradient point every student node either specializes (best rho &gt; 0.95) or
/// has fan-out norm near zero (the L-shape); exact for leaky ReLU. Judged on fresh leaky cases (at
/// least 16 conclusive); the paper-budget reading of the same judge is the L-shape experiment
/// (tests/Experiments). Negative control: with a linear activation, zero gradient leaves
/// un-specialized nodes with large fan-out.
/// </summary>
[TestFixture]
public sealed class VanishingTest
{
    static readonly SgdOptions Budget = ClaimBuilders.FullBatch(epochs: 100);

    [Test, Judges("unspecialized-students-vanish")]
    public void EveryStudentNodeSpecializesOrVanishes_LeakyRelu() =>
        ClaimRuns.ShouldHold(ClaimRuns.Fresh, VanishingClaim.Info, ClaimRuns.TwoLayerJudge(VanishingClaim.Info));

    [Test, Category("Nightly")]
    public void EveryStudentNodeSpecializesOrVanishes_LeakyRelu_Nightly() =>
        ClaimRuns.ShouldHold(ClaimRuns.FreshNightly, VanishingClaim.Info, ClaimRuns.TwoLayerJudge(VanishingClaim.Info));

    /// <summary>
    /// Regression case found by the generated leaky property (replay (20260327,1), first report: "4
    /// specialized, 0 vanished, 0 dead, 2 neither (largest such ||v|| = 0.286)"; gradient 0.0028, and
    /// the two nodes kept ||v|| 0.27 and 0.29 down to gradient 1e-4), pinned with its stream seeds.
    /// The two nodes are co-linear with each other (cosine 0.9996) with opposite fan-outs: together
    /// they compute zero. Read node by node the L-shape fails; per group of co-linear nodes it holds.
    /// </summary>
    [Test]
    public void CancellingColinearPair_KeepsFanOutButComputesNothing()
    {
        using var scope = NewDisposeScope();
        using var pair = ClaimRuns.Train(TeacherSpec.TwoLayer(4, 3, decay: 0.5, outputs: 5, activation: Activation.LeakyRelu(0.1)), 2, 200,
            CaseStreams.Pinned(210206, 210207, 210208, 210209), Budget);

        var outcome = VanishingClaim.Judge(pair.Evidence(Tolerances.SpecializationCorrelation), VanishingCriteria.AtSmallGradient with { FanOut = Tolerances.VanishedFanOut });
        TestContext.Out.WriteLine(outcome);
        var report = Specialization.Analyze(pair.Teacher, pair.Student, pair.Data.Inputs);
        var unspecializedFanOuts = report.StudentFanOutNorms
            .Where((_, k) => report.BestCorrelationPerStudent[k] <= Tolerances.SpecializationCorrelation).ToArray();

        pair.Training.Outcome.ShouldBe(TrainingOutcome.ReachedGradientTarget, pair.Training.ToString());
        unspecializedFanOuts.ShouldAllBe(v => v > Tolerances.VanishedFanOut, $"node by node, the un-specialized fan-outs do not vanish: {Numerics.Describe(unspecializedFanOuts)}");
        outcome.Numbers.CancelledInColinearGroups.ShouldBe(2, outcome.ToString());
        outcome.Verdict.ShouldBe(Verdict.Holds, outcome.ToString());
    }

    /// <summary>
    /// Regression case found by the report's checks (seed 4, leaky ReLU, d 3, m 2, multi 2), pinned
    /// with its stream seeds: at gradient 3e-3 student node 1 is the mirror of a specialized node
    /// (cosine -1.000) and keeps ||v|| = 0.09 (still 0.09 at gradient 1e-4). Read strictly, node by
    /// node, the vanishing claim fails there; counting mirrors of a teacher as specialized, it holds.
    /// </summary>
    [Test]
    public void AMirrorOfASpecializedNode_KeepsItsFanOut()
    {
        using var scope = NewDisposeScope();
        using var pair = ClaimRuns.Train(new TeacherSpec(3, [2], 5, Activation.LeakyRelu(0.1), 0), 2, 200, CaseStreams.Pinned(4, 5, 6, 7), Budget);

        var strict = VanishingClaim.Judge(pair.Evidence(), VanishingCriteria.AtSmallGradient);
        var mirrorAware = VanishingClaim.Judge(pair.Evidence(), VanishingCriteria.AtSmallGradient with { AllowMirror = true });
        TestContext.Out.WriteLine(strict);
        TestContext.Out.WriteLine(mirrorAware);

        strict.Verdict.ShouldBe(Verdict.Fails, strict.ToString());
        mirrorAware.Numbers.MirrorsOfATeacher.ShouldBe(1, mirrorAware.ToString());
        mirrorAware.Verdict.ShouldBe(Verdict.Holds, mirrorAware.ToString());
    }

    [TestCase(4, 3, 61L)]
    public void LinearActivation_LeavesUnspecializedNodesWithFanOut(int d, int m, long seed)
    {
        using var scope = NewDisposeScope();
        var streams = CaseStreams.Named(seed);
        using var relu = Teacher.Build(TeacherSpec.TwoLayer(d, m, outputs: 5), streams.Teacher);
        using var teacher = ClaimBuilders.WithActivation(relu, Activation.Linear);
        using var data = Dataset.Gaussian(teacher, 200, streams.Data);
        using var student = Student.OverRealized(teacher, 2, streams.Student, ClaimBuilders.SmallProblemInitStd);
        var training = SgdTrainer.Train(student, data, ClaimBuilders.FullBatch(epochs: 48, learningRate: 0.05), streams.Batches);

        var outcome = VanishingClaim.Judge(teacher, student, data.Inputs, training, VanishingCriteria.AtSmallGradient with { FanOut = Tolerances.VanishedFanOut });
        TestContext.Out.WriteLine(outcome);

        training.Outcome.ShouldBe(TrainingOutcome.ReachedGradientTarget, $"seed {seed}: {training}");
        outcome.Verdict.ShouldBe(Verdict.Fails, outcome.ToString());
    }
}
