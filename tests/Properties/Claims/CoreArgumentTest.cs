using NUnit.Framework;
using Shouldly;
using Verify.Model.Claims;
using Verify.Model.Data;
using Verify.Model.Evidence;
using Verify.Model.Networks;
using Verify.Model.Protocols;
using Verify.Model.Training;
using Verify.TestSupport;
using static TorchSharp.torch;

namespace Verify.Properties.Claims;

/// <summary>
/// Claim 2: at (near) zero per-sample gradient, a teacher node whose boundary is observed inside a
/// student's active region with alpha_kj = v_k^T v*_j != 0 has an aligned student. Judged on fresh
/// cases (at least 16 conclusive per activation). Negative control: a teacher node with zero
/// fan-out (alpha_kj = 0 for every k) gets no aligned student.
/// </summary>
[TestFixture]
public sealed class CoreArgumentTest
{
    static readonly SgdOptions Budget = ClaimBuilders.FullBatch(epochs: 100);

    /// <summary>The judge of the fresh cases, the hyperplane reading (verified mirrors credited): every control goes through it.</summary>
    static readonly CoreArgumentCriteria Criteria = CoreArgumentCriteria.Hyperplane;

    /// <summary>
    /// The fresh cases of the run, the hyperplane reading, per family and activation (the cases that once failed here are
    /// claim 1's regression cases, LowestLayerSpecializationTest). The paper's reading: PaperReadingFindingTest.
    /// </summary>
    [TestCaseSource(typeof(ClaimRuns), nameof(ClaimRuns.FamiliesAndActivations))]
    [Judges("core-argument.relu.base.hyperplane"), Judges("core-argument.leaky.base.hyperplane")]
    [Judges("core-argument.relu.decay.hyperplane"), Judges("core-argument.leaky.decay.hyperplane")]
    [Judges("core-argument.relu.wide.hyperplane"), Judges("core-argument.leaky.wide.hyperplane")]
    [Judges("core-argument.relu.sgd.hyperplane"), Judges("core-argument.leaky.sgd.hyperplane")]
    public void ObservedTeacherWithNonZeroAlpha_HasAnAlignedStudent_AtZeroGradient(string activation, string family)
    {
        var claim = ClaimRuns.Claim(CoreArgumentClaim.Info, activation, family);
        ClaimRuns.ShouldHold(ClaimRuns.Fresh, claim, ClaimRuns.TwoLayerJudge(claim));
    }

    [TestCaseSource(typeof(ClaimRuns), nameof(ClaimRuns.FamiliesAndActivations)), Category("Nightly")]
    public void ObservedTeacherWithNonZeroAlpha_HasAnAlignedStudent_Nightly(string activation, string family)
    {
        var claim = ClaimRuns.Claim(CoreArgumentClaim.Info, activation, family);
        ClaimRuns.ShouldHold(ClaimRuns.FreshNightly, claim, ClaimRuns.TwoLayerJudge(claim, ClaimRuns.NightlySettings));
    }

    /// <summary>
    /// Regression case found by a fresh draw (VERIFY_SEED=7, first report: "3/3 teachers meet the
    /// hypothesis; 2/3 judged teachers have an aligned student (cos > 0.95); best cos [1, -0.2866, 1];
    /// ReachedGradientTarget after 17250 steps"): teacher 2 has no positively aligned student; node 3
    /// is its mirror (cos -1). Measured: every slope jump across teacher 2's boundary is cancelled
    /// (0.0026 of the teacher's: the mirror's kink lies on the same hyperplane), and the mirror is
    /// verified (its partner is affine on the data within the tolerance; residue 1.2e-3). Strictly the
    /// core argument fails; mirror-aware it holds.
    /// </summary>
    [Test]
    public void MirroredStudent_CancelsTheJump_AndIsAVerifiedMirror()
    {
        var p = new SmallProblem(6, [3], 0, 0.5, 2, 200, 4522145256616746521);
        using var scope = NewDisposeScope();
        using var trained = p.Train(Budget);
        var evidence = trained.Evidence();
        var outcome = CoreArgumentClaim.Judge(evidence, Criteria);
        var paper = CoreArgumentClaim.Judge(evidence, CoreArgumentCriteria.Paper);
        TestContext.Out.WriteLine(outcome);

        trained.Training.Outcome.ShouldBe(TrainingOutcome.ReachedGradientTarget, trained.Training.ToString());
        outcome.Numbers.MaxJumpRatio.ShouldBeLessThanOrEqualTo(Criteria.MaxJumpRatio, outcome.ToString());
        paper.Verdict.ShouldBe(Verdict.Fails, paper.ToString());
        outcome.Verdict.ShouldBe(Verdict.Holds, outcome.ToString());
    }

    /// <summary>
    /// The paper's statement itself, where it is exact: with no student co-linear with teacher j, the
    /// measured slope jump of r_k across dE*_j is (1 - c) alpha_kj w*_j (ratio 1, cosine 1), up to
    /// finite-difference round-off. Untrained students (init std 1) of generated teachers, ReLU and
    /// leaky: the training precondition is not met (inconclusive), the statement's numbers are read.
    /// Reading (1 + c) for (1 - c) would miss by 0.22 at c = 0.1.
    /// </summary>
    [TestCase(4, 3, 0.0, 71L), TestCase(3, 2, 0.1, 74L), TestCase(5, 3, 0.1, 73L)]
    public void JumpAcrossATeacherBoundary_IsOneMinusCTimesAlphaTimesW_WithNoCoLinearStudent(int d, int m, double c, long seed)
    {
        using var scope = NewDisposeScope();
        var streams = CaseStreams.Named(seed);
        using var teacher = Teacher.Build(TeacherSpec.TwoLayer(d, m, outputs: 5, activation: c == 0 ? Activation.Relu : Activation.LeakyRelu(c)), streams.Teacher);
        using var data = Dataset.Gaussian(teacher, 200, streams.Data);
        using var student = Student.OverRealized(teacher, 2, streams.Student, initStd: 1.0);
        var outcome = CoreArgumentClaim.Judge(PairEvidence.Measure(teacher, student, data.Inputs, null), Criteria);
        TestContext.Out.WriteLine(outcome);

        outcome.Numbers.UncancellablePairs.ShouldBeGreaterThan(0, outcome.ToString());
        outcome.Numbers.StatementError.ShouldBeLessThan(1e-6, outcome.ToString());
        outcome.ConclusionObserved.ShouldBe(false, $"untrained, the jumps are not cancelled: {outcome}");
    }

    [TestCase(4, 3, 41L)]
    [TestCase(5, 3, 42L)]
    public void TeacherWithZeroFanOut_GetsNoAlignedStudent(int d, int m, long seed)
    {
        using var scope = NewDisposeScope();
        // Seed 42 is the case as first calibrated (streams 42, 43, 44, 45, offsets of the old derivation): with named streams it stops at gradient 4.4e-3, short of the target.
        var streams = seed == 42 ? CaseStreams.Pinned(42, 43, 44, 45) : CaseStreams.Named(seed);
        using var drawn = Teacher.Build(TeacherSpec.TwoLayer(d, m, outputs: 5), streams.Teacher);
        using var teacher = ClaimBuilders.WithSilencedNode(drawn, node: 0);
        using var data = Dataset.Gaussian(teacher, 200, streams.Data);
        using var student = Student.OverRealized(teacher, 2, streams.Student, ClaimBuilders.SmallProblemInitStd);
        var training = SgdTrainer.Train(student, data, Budget, streams.Batches);
        var evidence = PairEvidence.Measure(teacher, student, data.Inputs, training);

        var withHypothesis = CoreArgumentClaim.Judge(evidence, Criteria);
        TestContext.Out.WriteLine(withHypothesis);
        var everyTeacher = CoreArgumentClaim.Judge(evidence, Criteria with { EnforceHypothesis = false });
        TestContext.Out.WriteLine(everyTeacher);

        training.Outcome.ShouldBe(TrainingOutcome.ReachedGradientTarget, $"seed {seed}: {training}");
        withHypothesis.Numbers.TeachersMeetingHypothesis.ShouldBe(m - 1, $"the silent node breaks alpha != 0: {withHypothesis}");
        withHypothesis.Verdict.ShouldBe(Verdict.Holds, withHypothesis.ToString());
        everyTeacher.Verdict.ShouldBe(Verdict.Fails, $"without the hypothesis the silent node must go unmatched: {everyTeacher}");
    }
}
