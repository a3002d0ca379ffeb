using NUnit.Framework;
using Shouldly;
using Verify.Model.Claims;
using Verify.Model.Networks;
using Verify.Model.Training;
using Verify.TestSupport;
using static TorchSharp.torch;

namespace Verify.Properties.Claims;

/// <summary>
/// Claim 1: once max_x ||g_1(x)|| is small at every training sample, every lowest-layer teacher
/// node is matched by a student node (cosine of augmented weights and activation correlation both
/// above 0.95, up to the mirror). Judged on fresh cases drawn from the run seed, at least 16
/// conclusive per activation (100 in the Nightly tier). Negative controls break one hypothesis
/// each: data that never crosses a teacher boundary, a linear activation, an under-realized student.
/// </summary>
[TestFixture]
public sealed class LowestLayerSpecializationTest
{
    static readonly SgdOptions Budget = ClaimBuilders.FullBatch(epochs: 100);
    static readonly SgdOptions DeepBudget = ClaimBuilders.FullBatch(epochs: 160, target: Tolerances.DeepProblemGradientTarget, learningRate: 0.2);
    static readonly SpecializationCriteria Criteria = new(Tolerances.SpecializationCorrelation, Tolerances.AlignedCosine);

    /// <summary>Matching up to the mirror w_k = -c w*_j: see <see cref="MirroredStudent_MatchesATeacherThatNoStudentMatchesWithPositiveScale"/>.</summary>
    static readonly SpecializationCriteria UpToMirror = Criteria with { AllowMirror = true };

    [Test, Judges("lowest-layer-specialization.relu")]
    public void EachTeacherNodeIsSpecialized_WhenGradientIsSmallAtEverySample_ReLU() =>
        ClaimRuns.ShouldHold(ClaimRuns.Fresh, LowestLayerSpecializationClaim.Relu, ClaimRuns.TwoLayerJudge(LowestLayerSpecializationClaim.Relu));

    [Test, Judges("lowest-layer-specialization.leaky")]
    public void EachTeacherNodeIsSpecialized_WhenGradientIsSmallAtEverySample_LeakyRelu() =>
        ClaimRuns.ShouldHold(ClaimRuns.Fresh, LowestLayerSpecializationClaim.Leaky, ClaimRuns.TwoLayerJudge(LowestLayerSpecializationClaim.Leaky));

    [TestCase("relu"), TestCase("leaky"), Category("Nightly")]
    public void EachTeacherNodeIsSpecialized_WhenGradientIsSmallAtEverySample_Nightly(string activation)
    {
        var claim = activation == "relu" ? LowestLayerSpecializationClaim.Relu : LowestLayerSpecializationClaim.Leaky;
        ClaimRuns.ShouldHold(ClaimRuns.FreshNightly, claim, ClaimRuns.TwoLayerJudge(claim));
    }

    /// <summary>
    /// Three-layer teachers (d 3-5, widths [2-3, 2], ReLU or leaky), multi 2-3, N 100, lr 0.2, to
    /// gradient 1e-2: a random sample from the run seed, reported as a pass rate with its 95%
    /// interval. It gates only when at least 16 cases are conclusive (the Nightly tier draws 40);
    /// known counterexamples exist (<see cref="ThreeLayerRelu_StallsBelowTheThreshold_AtSmallGradient"/>).
    /// </summary>
    [Test, Judges("lowest-layer-specialization.three-layer")]
    public void LowestLayerOfThreeLayerStudents_PassRate() => ThreeLayer(ClaimRuns.Fresh);

    [Test, Category("Nightly"), Explicit("three-layer small problems: counterexamples are known (a teacher stalls at rho 0.94), so a gated sample fails")]
    public void LowestLayerOfThreeLayerStudents_PassRate_Nightly() => ThreeLayer(ClaimRuns.FreshNightly);

    static void ThreeLayer(TheoremCheckResult run)
    {
        var outcome = (ClaimOutcome<TallyNumbers>)run.Outcome(LowestLayerSpecializationClaim.ThreeLayer);
        ClaimRuns.Print(run, LowestLayerSpecializationClaim.ThreeLayer, outcome);
        TestContext.Out.WriteLine($"pass rate {outcome.Numbers.PassRate:0.##} (95% interval {outcome.Numbers.PassRateLow95:0.##}-{outcome.Numbers.PassRateHigh95:0.##}) over {outcome.Numbers.Conclusive} conclusive of {outcome.Numbers.CasesDrawn}");
        if (outcome.Numbers.Conclusive >= outcome.Numbers.MinConclusive)
            outcome.Verdict.ShouldBe(Verdict.Holds, $"{outcome}; replay: {RunSeed.Replay}");
        else
            outcome.Verdict.ShouldBe(Verdict.Inconclusive, "a sample too small to gate is reported, not judged");
    }

    /// <summary>
    /// Regression case found by the generated two-layer property (replay (20260127,1), first report:
    /// "1/2 teachers matched; best rho per teacher [1, -0.1598], best cos [1, -0.2458];
    /// ReachedGradientTarget after 22750 steps: loss 4.67E-08, max per-sample gradient 0.00296"),
    /// pinned with the stream seeds it was found with. The student reaches the gradient target
    /// without any node at a positive multiple of teacher 2: it uses the mirror -w*_2 and a node that
    /// is linear on the data instead (sigma(u) = sigma(-u) + u). The strict reading of the claim
    /// fails; up to the mirror it holds.
    /// </summary>
    [Test]
    public void MirroredStudent_MatchesATeacherThatNoStudentMatchesWithPositiveScale()
    {
        using var scope = NewDisposeScope();
        using var pair = ClaimRuns.Train(TeacherSpec.TwoLayer(4, 2, decay: 0.5, outputs: 5), 2, 200, CaseStreams.Pinned(650084, 650085, 650086, 650087), Budget);

        var strict = LowestLayerSpecializationClaim.Judge(pair.Evidence(), Criteria);
        TestContext.Out.WriteLine(strict);
        var upToMirror = LowestLayerSpecializationClaim.Judge(pair.Evidence(), UpToMirror);
        TestContext.Out.WriteLine(upToMirror);

        pair.Training.Outcome.ShouldBe(TrainingOutcome.ReachedGradientTarget, pair.Training.ToString());
        strict.Verdict.ShouldBe(Verdict.Fails, strict.ToString());
        upToMirror.Verdict.ShouldBe(Verdict.Holds, upToMirror.ToString());
        upToMirror.Numbers.MatchedOnlyByMirror.ShouldBe(1, upToMirror.ToString());
    }

    /// <summary>
    /// Regression case found while choosing three-layer cases, pinned with its stream seeds: a ReLU
    /// teacher [3-2-2-5], multi 3, reaches gradient 1e-2 with teacher 1 at best rho 0.939, best cos
    /// 0.969 (first report: "1/2 teachers matched; best rho per teacher [0.9389, 0.9999], best cos
    /// [0.9689, 1]; ReachedGradientTarget after 13000 steps"), and stays there at gradient 3e-3. The
    /// operational claim (tau 0.95) fails at this depth and precision; whether it holds in the limit
    /// of zero gradient is open.
    /// </summary>
    [Test]
    public void ThreeLayerRelu_StallsBelowTheThreshold_AtSmallGradient()
    {
        using var scope = NewDisposeScope();
        using var pair = ClaimRuns.Train(new TeacherSpec(3, [2, 2], 5), 3, 100, CaseStreams.Pinned(3, 4, 5, 6), DeepBudget with { GradientTarget = 3e-3, Epochs = 400 });

        var outcome = LowestLayerSpecializationClaim.Judge(pair.Evidence(), Criteria);
        TestContext.Out.WriteLine(outcome);

        pair.Training.Outcome.ShouldBe(TrainingOutcome.ReachedGradientTarget, pair.Training.ToString());
        outcome.Verdict.ShouldBe(Verdict.Fails, outcome.ToString());
        outcome.Numbers.MinBestCorrelation.ShouldBeInRange(0.9, Tolerances.SpecializationCorrelation, outcome.ToString());
    }

    /// <summary>
    /// Control: teacher node 1 is inactive on every training point. The run still reaches the
    /// target and no student matches that node (the conclusion is missing), and the judge reports
    /// the missed hypothesis: inconclusive, never a counterexample.
    /// </summary>
    [TestCase(4, 2, 11L)]
    [TestCase(3, 3, 12L)]
    public void NoStudentMatchesATeacher_WhoseBoundaryTheDataNeverCrosses(int d, int m, long seed)
    {
        using var scope = NewDisposeScope();
        var streams = CaseStreams.Named(seed);
        using var teacher = Teacher.Build(TeacherSpec.TwoLayer(d, m, outputs: 5), streams.Teacher);
        using var data = Verify.Model.Data.Dataset.Label(teacher, ClaimBuilders.NeverCrossing(teacher, Verify.Model.Data.Inputs.Gaussian(200, d, streams.Data), node: 0));
        using var student = Student.OverRealized(teacher, 2, streams.Student, ClaimBuilders.SmallProblemInitStd);
        var training = SgdTrainer.Train(student, data, Budget, streams.Batches);

        var outcome = LowestLayerSpecializationClaim.Judge(teacher, student, data.Inputs, training, Criteria);
        TestContext.Out.WriteLine(outcome);

        training.Outcome.ShouldBe(TrainingOutcome.ReachedGradientTarget, $"seed {seed}: the control must meet the gradient precondition: {training}");
        outcome.ConclusionObserved.ShouldBe(false, outcome.ToString());
        outcome.Verdict.ShouldBe(Verdict.Inconclusive, outcome.ToString());
        outcome.Reason!.ShouldContain("boundary");
    }

    /// <summary>Control: linear teacher and student reach zero gradient without any node matching.</summary>
    [TestCase(4, 3, 21L)]
    public void LinearActivation_ReachesZeroGradientWithoutSpecializing(int d, int m, long seed)
    {
        using var scope = NewDisposeScope();
        var streams = CaseStreams.Named(seed);
        using var relu = Teacher.Build(TeacherSpec.TwoLayer(d, m, outputs: 5), streams.Teacher);
        using var teacher = ClaimBuilders.WithActivation(relu, Activation.Linear);
        using var data = Verify.Model.Data.Dataset.Gaussian(teacher, 200, streams.Data);
        using var student = Student.OverRealized(teacher, 2, streams.Student, ClaimBuilders.SmallProblemInitStd);
        var training = SgdTrainer.Train(student, data, ClaimBuilders.FullBatch(epochs: 48, learningRate: 0.05), streams.Batches);

        var outcome = LowestLayerSpecializationClaim.Judge(teacher, student, data.Inputs, training, Criteria);
        TestContext.Out.WriteLine(outcome);

        training.Outcome.ShouldBe(TrainingOutcome.ReachedGradientTarget, $"seed {seed}: {training}");
        outcome.Verdict.ShouldBe(Verdict.Fails, outcome.ToString());
    }

    /// <summary>Control: a student narrower than the teacher cannot match every teacher node (and never meets the precondition).</summary>
    [TestCase(4, 3, 31L)]
    [TestCase(3, 2, 32L)]
    public void UnderRealizedStudent_LeavesATeacherUnmatched(int d, int m, long seed)
    {
        using var scope = NewDisposeScope();
        using var pair = ClaimRuns.Train(TeacherSpec.TwoLayer(d, m, outputs: 5), 1, 200, CaseStreams.Named(seed), Budget, studentWidths: [m - 1]);

        var outcome = LowestLayerSpecializationClaim.Judge(pair.Evidence(), Criteria);
        TestContext.Out.WriteLine(outcome);

        outcome.ConclusionObserved.ShouldBe(false, outcome.ToString());
        outcome.Verdict.ShouldNotBe(Verdict.Holds, outcome.ToString());
    }
}
