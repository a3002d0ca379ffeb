using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using Shouldly;
using Verify.Model.Claims;
using Verify.Model.Data;
using Verify.Model.Networks;
using Verify.Model.Training;
using Verify.Properties.Generators;
using Verify.TestSupport;
using static TorchSharp.torch;

namespace Verify.Properties.Claims;

/// <summary>
/// Claim 2: at (near) zero per-sample gradient, a teacher node whose boundary is observed inside a
/// student's active region with alpha_kj = v_k^T v*_j != 0 has an aligned student. Negative
/// control: a teacher node with zero fan-out (alpha_kj = 0 for every k) gets no aligned student.
/// </summary>
[TestFixture]
public sealed class CoreArgumentTest
{
    static readonly SgdOptions Budget = ClaimBuilders.FullBatch(epochs: 100);

    [FsCheck.NUnit.Property(MaxTest = 1, Replay = "(20260227,1)")]
    public Property ObservedTeacherWithNonZeroAlpha_HasAnAlignedStudent_AtZeroGradient() =>
        Prop.ForAll(ClaimGen.Batch(ClaimGen.OverRealized(ClaimGen.Teachers(minD: 3, maxD: 6, maxWidth: 3, decays: [0, 0.5]), maxMulti: 2), 6), batch =>
        {
            var outcomes = ClaimRuns.JudgeAll(batch, Budget, p => CoreArgumentClaim.Judge(p.Teacher, p.Student, p.Data.Inputs, p.Training, Tolerances.AlignedCosine));
            var tally = CaseTally.Summarize(CoreArgumentClaim.Name, outcomes, Tolerances.MaxInconclusiveFraction);
            TestContext.Out.WriteLine(tally);
            foreach (var o in outcomes) TestContext.Out.WriteLine($"  {o.Verdict}: {o.Evidence}");
            return (tally.Verdict == Verdict.Holds).Label(tally.ToString());
        });

    [TestCase(4, 3, 41L)]
    [TestCase(5, 3, 42L)]
    public void TeacherWithZeroFanOut_GetsNoAlignedStudent(int d, int m, long seed)
    {
        using var scope = NewDisposeScope();
        using var drawn = Teacher.Build(TeacherSpec.TwoLayer(d, m, outputs: 5), seed);
        using var teacher = ClaimBuilders.WithSilencedNode(drawn, node: 0);
        using var data = Dataset.Gaussian(teacher, 200, seed + 1);
        using var student = Student.OverRealized(teacher, 2, seed + 2, ClaimBuilders.SmallProblemInitStd);
        var training = SgdTrainer.Train(student, data, Budget, seed + 3);

        var withHypothesis = CoreArgumentClaim.Judge(teacher, student, data.Inputs, training, Tolerances.AlignedCosine);
        TestContext.Out.WriteLine(withHypothesis);
        var everyTeacher = CoreArgumentClaim.Judge(teacher, student, data.Inputs, training, Tolerances.AlignedCosine, enforceHypothesis: false);
        TestContext.Out.WriteLine(everyTeacher);

        training.Outcome.ShouldBe(TrainingOutcome.ReachedGradientTarget, $"seed {seed}: {training}");
        withHypothesis.Numbers["teachers meeting hypothesis"].ShouldBe(m - 1, $"the silent node breaks alpha != 0: {withHypothesis}");
        withHypothesis.Verdict.ShouldBe(Verdict.Holds, withHypothesis.ToString());
        everyTeacher.Verdict.ShouldBe(Verdict.Fails, $"without the hypothesis the silent node must go unmatched: {everyTeacher}");
    }
}
