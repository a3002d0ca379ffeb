using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using Shouldly;
using Verify.Model.Claims;
using Verify.Model.Networks;
using Verify.Model.Training;
using Verify.Properties.Generators;
using Verify.TestSupport;
using static TorchSharp.torch;

namespace Verify.Properties.Claims;

/// <summary>
/// Claim 1: once max_x ||g_1(x)|| is small at every training sample, every lowest-layer teacher
/// node is matched by a student node (cosine of augmented weights and activation correlation both
/// above 0.95). Negative controls break one hypothesis each: data that never crosses a teacher
/// boundary, a linear activation, an under-realized student.
/// </summary>
[TestFixture]
public sealed class LowestLayerSpecializationTest
{
    static readonly SgdOptions Budget = ClaimBuilders.FullBatch(epochs: 100);
    static readonly SpecializationCriteria Criteria = new(Tolerances.SpecializationCorrelation, Tolerances.AlignedCosine);

    /// <summary>Matching up to the mirror w_k = -c w*_j: see <see cref="MirroredStudent_MatchesATeacherThatNoStudentMatchesWithPositiveScale"/>.</summary>
    static readonly SpecializationCriteria UpToMirror = Criteria with { AllowMirror = true };

    static ClaimOutcome Judge(TrainedPair p) => LowestLayerSpecializationClaim.Judge(p.Teacher, p.Student, p.Data.Inputs, p.Training, Criteria);

    static ClaimOutcome JudgeUpToMirror(TrainedPair p) => LowestLayerSpecializationClaim.Judge(p.Teacher, p.Student, p.Data.Inputs, p.Training, UpToMirror);

    /// <summary>
    /// Eight generated two-layer cases (d 3-6, m 2-3, multi 2, ReLU or leaky, decay 0 or 0.5) side
    /// by side, at most a third inconclusive. The replay seed pins the cases so the default run is the
    /// same every time.
    /// </summary>
    [FsCheck.NUnit.Property(MaxTest = 1, Replay = "(20260127,1)")]
    public Property EachTeacherNodeIsSpecialized_WhenGradientIsSmallAtEverySample_TwoLayer() =>
        SpecializesOnBatch(ClaimGen.Teachers(minD: 3, maxD: 6, maxWidth: 3, decays: [0, 0.5]), 8, maxMulti: 2, Budget);

    /// <summary>The larger sweep, fresh cases every night: 24 cases with d 2-10, m 2-4, multi 2-3, four times the budget.</summary>
    [FsCheck.NUnit.Property(MaxTest = 1), Category("Nightly")]
    public Property EachTeacherNodeIsSpecialized_WhenGradientIsSmallAtEverySample_Nightly() =>
        SpecializesOnBatch(ClaimGen.Teachers(maxD: 10, maxWidth: 4, decays: [0, 0.5]), 24, maxMulti: 3, ClaimBuilders.FullBatch(epochs: 400));

    /// <summary>
    /// Three-layer teachers (d 3-5, widths [2-3, 2], ReLU or leaky), multi 2-3, N 200, lr 0.2, up to
    /// 100,000 steps. Explicit, not nightly: measured 27 Nov 2026 it failed for lack of evidence and
    /// one counterexample (12 cases: 4 hold, 1 fail, 7 inconclusive; the failing case reached
    /// gradient 1e-2 with a teacher at best rho 0.65). Deep students need a better optimizer or budget
    /// before this can gate anything; the run is kept so that work starts from a measurement.
    /// </summary>
    [FsCheck.NUnit.Property(MaxTest = 1), Category("Nightly"), Explicit("three-layer small problems are mostly inconclusive at this budget (measured 4 hold, 1 fail, 7 inconclusive)")]
    public Property EachLowestLayerTeacherNodeIsSpecialized_ThreeLayerNightly() =>
        SpecializesOnBatch(ClaimGen.Teachers(minD: 3, maxD: 5, maxWidth: 3, decays: [0]).Select(t => t with { Widths = [t.Widths[0], 2] }), 12, maxMulti: 3,
            DeepBudget with { Epochs = 400 });

    static Property SpecializesOnBatch(Gen<TeacherCase> teachers, int count, int maxMulti, SgdOptions budget) =>
        Prop.ForAll(ClaimGen.Batch(ClaimGen.OverRealized(teachers, maxMulti), count), batch =>
        {
            var outcomes = ClaimRuns.JudgeAll(batch, budget, JudgeUpToMirror);
            var tally = CaseTally.Summarize(LowestLayerSpecializationClaim.Name, outcomes, Tolerances.MaxInconclusiveFraction);
            TestContext.Out.WriteLine(tally);
            foreach (var o in outcomes) TestContext.Out.WriteLine($"  {o.Verdict}: {o.Evidence}");
            var mirrored = outcomes.Count(o => o.Numbers["matched only by a mirror"] > 0);
            return (tally.Verdict == Verdict.Holds).Label(tally.ToString())
                .Classify(mirrored > 0, "some teacher matched only by a mirrored node")
                .Classify(batch.Any(c => c.Teacher.Leak > 0), "has leaky cases")
                .Collect($"{tally.Numbers["inconclusive"]} inconclusive of {batch.Length}");
        });

    static readonly SgdOptions DeepBudget = ClaimBuilders.FullBatch(epochs: 160, target: Tolerances.DeepProblemGradientTarget, learningRate: 0.2);

    /// <summary>
    /// Three-layer teachers [2, 2], multi 3: pinned cases that reach the target (deep nets converge
    /// slowly). Chosen from a sweep, not at random: ReLU seeds 1-10 (d 3 + seed mod 2), measured
    /// 27 Nov 2026, gave 3 hold (seeds 5, 8, 10), 1 fail (seed 7: teacher 1 at rho 0.62 when the
    /// gradient reached 1e-2) and 6 inconclusive within 40,000 steps; see the theorem page.
    /// </summary>
    [TestCase(3, 0.1, 1L)]
    [TestCase(4, 0.0, 5L)]
    [TestCase(3, 0.0, 8L)]
    public void EachLowestLayerTeacherNodeIsSpecialized_ThreeLayer(int d, double leak, long seed)
    {
        var c = new TrainingCase(new TeacherCase(d, [2, 2], leak, 0, seed), 3, DataKind.Gaussian, 100);
        using var scope = NewDisposeScope();
        using var pair = ClaimRuns.Train(c, DeepBudget);
        var outcome = Judge(pair);
        TestContext.Out.WriteLine(outcome);
        outcome.Verdict.ShouldBe(Verdict.Holds, $"{c}: {outcome}");
    }

    /// <summary>
    /// Regression case found by <see cref="EachTeacherNodeIsSpecialized_WhenGradientIsSmallAtEverySample_TwoLayer"/>
    /// (replay (20260127,1), first report: "1/2 teachers matched; best rho per teacher [1, -0.1598],
    /// best cos [1, -0.2458]; ReachedGradientTarget after 22750 steps: loss 4.67E-08, max per-sample
    /// gradient 0.00296"). The student reaches the gradient target without any node at a positive
    /// multiple of teacher 2: it uses the mirror -w*_2 and a node that is linear on the data instead
    /// (sigma(u) = sigma(-u) + u). The strict reading of the claim fails; up to the mirror it holds.
    /// </summary>
    [TestCase(4, 2, 0.5, 650084L)]
    public void MirroredStudent_MatchesATeacherThatNoStudentMatchesWithPositiveScale(int d, int m, double decay, long seed)
    {
        var c = new TrainingCase(new TeacherCase(d, [m], 0, decay, seed), 2, DataKind.Gaussian, 200);
        using var scope = NewDisposeScope();
        using var pair = ClaimRuns.Train(c, Budget);

        var strict = Judge(pair);
        TestContext.Out.WriteLine(strict);
        var upToMirror = JudgeUpToMirror(pair);
        TestContext.Out.WriteLine(upToMirror);

        pair.Training.Outcome.ShouldBe(TrainingOutcome.ReachedGradientTarget, $"{c}: {pair.Training}");
        strict.Verdict.ShouldBe(Verdict.Fails, strict.ToString());
        upToMirror.Verdict.ShouldBe(Verdict.Holds, upToMirror.ToString());
        upToMirror.Numbers["matched only by a mirror"].ShouldBe(1, upToMirror.ToString());
    }

    /// <summary>
    /// Regression case found while choosing the three-layer cases: a ReLU teacher [3-2-2-5], seed 3,
    /// multi 3, reaches gradient 1e-2 with teacher 1 at best rho 0.939, best cos 0.969 (first report:
    /// "1/2 teachers matched; best rho per teacher [0.9389, 0.9999], best cos [0.9689, 1];
    /// ReachedGradientTarget after 13000 steps: loss 5.43E-06, max per-sample gradient 0.00996"), and
    /// stays there at gradient 3e-3 (rho 0.940 after 19,250 steps). The operational claim (tau 0.95)
    /// fails at this depth and precision; whether it holds in the limit of zero gradient is open.
    /// </summary>
    [TestCase(3, 0.0, 3L)]
    public void ThreeLayerRelu_StallsBelowTheThreshold_AtSmallGradient(int d, double leak, long seed)
    {
        var c = new TrainingCase(new TeacherCase(d, [2, 2], leak, 0, seed), 3, DataKind.Gaussian, 100);
        using var scope = NewDisposeScope();
        using var pair = ClaimRuns.Train(c, DeepBudget with { GradientTarget = 3e-3, Epochs = 400 });

        var outcome = Judge(pair);
        TestContext.Out.WriteLine(outcome);

        pair.Training.Outcome.ShouldBe(TrainingOutcome.ReachedGradientTarget, $"{c}: {pair.Training}");
        outcome.Verdict.ShouldBe(Verdict.Fails, outcome.ToString());
        outcome.Numbers["min best correlation"].ShouldBeInRange(0.9, Tolerances.SpecializationCorrelation, outcome.ToString());
    }

    /// <summary>Control: teacher node 1 is inactive on every training point; it has nothing to be matched by, while the run still reaches the target.</summary>
    [TestCase(4, 2, 11L)]
    [TestCase(3, 3, 12L)]
    public void NoStudentMatchesATeacher_WhoseBoundaryTheDataNeverCrosses(int d, int m, long seed)
    {
        using var scope = NewDisposeScope();
        using var teacher = Teacher.Build(TeacherSpec.TwoLayer(d, m, outputs: 5), seed);
        using var data = Verify.Model.Data.Dataset.Label(teacher, ClaimBuilders.NeverCrossing(teacher, Verify.Model.Data.Inputs.Gaussian(200, d, seed + 1), node: 0));
        using var student = Student.OverRealized(teacher, 2, seed + 2, ClaimBuilders.SmallProblemInitStd);
        var training = SgdTrainer.Train(student, data, Budget, seed + 3);

        var outcome = LowestLayerSpecializationClaim.Judge(teacher, student, data.Inputs, training, Criteria);
        TestContext.Out.WriteLine(outcome);

        training.Outcome.ShouldBe(TrainingOutcome.ReachedGradientTarget, $"seed {seed}: the control must meet the gradient precondition: {training}");
        outcome.Verdict.ShouldBe(Verdict.Fails, outcome.ToString());
    }

    /// <summary>Control: linear teacher and student reach zero gradient without any node matching.</summary>
    [TestCase(4, 3, 21L)]
    public void LinearActivation_ReachesZeroGradientWithoutSpecializing(int d, int m, long seed)
    {
        var c = new TrainingCase(new TeacherCase(d, [m], 0, 0, seed), 2, DataKind.Gaussian, 200);
        using var scope = NewDisposeScope();
        using var relu = c.Teacher.Build();
        using var teacher = ClaimBuilders.WithActivation(relu, Activation.Linear);
        using var data = Verify.Model.Data.Dataset.Gaussian(teacher, 200, seed + 1);
        using var student = Student.OverRealized(teacher, 2, seed + 2, ClaimBuilders.SmallProblemInitStd);
        var training = SgdTrainer.Train(student, data, ClaimBuilders.FullBatch(epochs: 48, learningRate: 0.05), seed + 3);

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
        var c = new TrainingCase(new TeacherCase(d, [m], 0, 0, seed), 1, DataKind.Gaussian, 200);
        using var scope = NewDisposeScope();
        using var pair = ClaimRuns.Train(c, Budget, studentWidths: [m - 1]);

        var outcome = Judge(pair);
        TestContext.Out.WriteLine(outcome);

        outcome.ConclusionObserved.ShouldBe(false, outcome.ToString());
        outcome.Verdict.ShouldNotBe(Verdict.Holds, outcome.ToString());
    }
}
