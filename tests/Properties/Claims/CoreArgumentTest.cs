using NUnit.Framework;
using Shouldly;
using Verify.Model.Claims;
using Verify.Model.Data;
using Verify.Model.Networks;
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

    [Test, Judges("core-argument.relu")]
    public void ObservedTeacherWithNonZeroAlpha_HasAnAlignedStudent_AtZeroGradient_ReLU() =>
        ClaimRuns.ShouldHold(ClaimRuns.Fresh, CoreArgumentClaim.Relu, ClaimRuns.TwoLayerJudge(CoreArgumentClaim.Relu));

    [Test, Judges("core-argument.leaky")]
    public void ObservedTeacherWithNonZeroAlpha_HasAnAlignedStudent_AtZeroGradient_LeakyRelu() =>
        ClaimRuns.ShouldHold(ClaimRuns.Fresh, CoreArgumentClaim.Leaky, ClaimRuns.TwoLayerJudge(CoreArgumentClaim.Leaky));

    [TestCase("relu"), TestCase("leaky"), Category("Nightly")]
    public void ObservedTeacherWithNonZeroAlpha_HasAnAlignedStudent_Nightly(string activation)
    {
        var claim = activation == "relu" ? CoreArgumentClaim.Relu : CoreArgumentClaim.Leaky;
        ClaimRuns.ShouldHold(ClaimRuns.FreshNightly, claim, ClaimRuns.TwoLayerJudge(claim));
    }

    /// <summary>
    /// Regression case found by a fresh draw (VERIFY_SEED=7, first report: "3/3 teachers meet the
    /// hypothesis; 2/3 judged teachers have an aligned student (cos > 0.95); best cos [1, -0.2866, 1];
    /// ReachedGradientTarget after 17250 steps"): teacher 2 is matched only by a mirrored node, which
    /// shares its boundary. Strictly (positive multiples only) the core argument fails; with the
    /// mirror counted as co-linear it holds.
    /// </summary>
    [Test]
    public void MirroredStudent_IsCoLinearWithTheTeacher()
    {
        var p = new SmallProblem(6, [3], 0, 0.5, 2, 200, 4522145256616746521);
        using var scope = NewDisposeScope();
        using var trained = p.Train(Budget);
        var evidence = trained.Evidence();

        var strict = CoreArgumentClaim.Judge(evidence, CoreArgumentCriteria.Paper with { AllowMirror = false });
        var withMirror = CoreArgumentClaim.Judge(evidence);
        TestContext.Out.WriteLine(strict);
        TestContext.Out.WriteLine(withMirror);

        strict.Verdict.ShouldBe(Verdict.Fails, strict.ToString());
        withMirror.Verdict.ShouldBe(Verdict.Holds, withMirror.ToString());
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

        var withHypothesis = CoreArgumentClaim.Judge(evidence, new CoreArgumentCriteria(Tolerances.AlignedCosine));
        TestContext.Out.WriteLine(withHypothesis);
        var everyTeacher = CoreArgumentClaim.Judge(evidence, new CoreArgumentCriteria(Tolerances.AlignedCosine, EnforceHypothesis: false));
        TestContext.Out.WriteLine(everyTeacher);

        training.Outcome.ShouldBe(TrainingOutcome.ReachedGradientTarget, $"seed {seed}: {training}");
        withHypothesis.Numbers.TeachersMeetingHypothesis.ShouldBe(m - 1, $"the silent node breaks alpha != 0: {withHypothesis}");
        withHypothesis.Verdict.ShouldBe(Verdict.Holds, withHypothesis.ToString());
        everyTeacher.Verdict.ShouldBe(Verdict.Fails, $"without the hypothesis the silent node must go unmatched: {everyTeacher}");
    }
}
