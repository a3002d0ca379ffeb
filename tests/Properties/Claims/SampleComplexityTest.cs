using NUnit.Framework;
using Shouldly;
using Verify.Model.Claims;
using Verify.Model.Data;
using Verify.Model.Networks;
using Verify.Model.Theory;
using Verify.Model.Training;
using Verify.TestSupport;
using static TorchSharp.torch;

namespace Verify.Properties.Claims;

/// <summary>
/// Claim 3: a teacher-aware dataset of N = C_N K^{5/2} d^3 / eps points, trained to max_x ||g_1(x)||
/// &lt;= C_g eps / (K^{3/2} sqrt d), yields a student that covers every teacher node on held-out data.
/// The paper gives no constants; C_N = C_g = 1 here (named in <see cref="SampleComplexity"/>).
/// Negative control: a teacher-aware set far below the bound (one triplet, around teacher node 1
/// only) fits its own points but does not cover the teachers on held-out data. Measured on the way:
/// two triplets (N = 6, one per teacher) already covered both teachers at d = 2, so with constants
/// 1 the bound (706) is loose by two orders of magnitude here.
/// </summary>
[TestFixture]
public sealed class SampleComplexityTest
{
    static readonly SampleComplexity Bound = new(SampleConstant: 1, GradientConstant: 1);

    [Test]
    public void Bound_GrowsAsKToTheFiveHalvesAndDCubedOverEps()
    {
        (Bound.RequiredSamples(12, 2, 1) / Bound.RequiredSamples(6, 2, 1)).ShouldBe(Math.Pow(2, 2.5), 1e-12);
        (Bound.RequiredSamples(6, 4, 1) / Bound.RequiredSamples(6, 2, 1)).ShouldBe(8, 1e-12);
        (Bound.RequiredSamples(6, 2, 0.5) / Bound.RequiredSamples(6, 2, 1)).ShouldBe(2, 1e-12);
        (Bound.GradientThreshold(6, 2, 1) / Bound.GradientThreshold(12, 8, 1)).ShouldBe(Math.Pow(2, 1.5) * 2, 1e-12);
        Should.Throw<ArgumentOutOfRangeException>(() => Bound.RequiredSamples(6, 2, 0)).Message.ShouldContain("eps");
    }

    /// <summary>
    /// The fresh cases of the run (d 2, m 2, multi 2, eps 1: N = 706 teacher-aware points), judged by
    /// the report's judge. Finding (27 Nov 2026, VERIFY_SEED=7: 20 drawn, 17 conclusive, 15 hold, 2
    /// fail): with the gradient constant C_g = 1 the level (0.048) is reached without specializing
    /// (<see cref="GradientConstantOne_IsRefuted"/>). The paper gives no constant; which one makes the
    /// bound hold is open, so this stays explicit until it is measured (the report shows the verdict).
    /// </summary>
    [Test, Judges("sample-complexity"), Explicit("finding: with constants 1 the bound is refuted by fresh cases; see GradientConstantOne_IsRefuted")]
    public void TeacherAwareDataOfTheBoundsSize_CoversEveryTeacher_OnTheFreshCases() =>
        ClaimRuns.ShouldHold(ClaimRuns.Fresh, SampleSizeClaim.Info, p => TheoremChecks.JudgeSampleComplexity(p));

    /// <summary>Counterexample drawn fresh (VERIFY_SEED=7): N = 706 teacher-aware points, gradient 0.0474 &lt;= the level 0.0481, teacher 1 at best rho 0.19.</summary>
    [Test]
    public void GradientConstantOne_IsRefuted()
    {
        var outcome = TheoremChecks.JudgeSampleComplexity(new SmallProblem(2, [2], 0, 0, 2, 0, 6141705617844254943, SmallData.TeacherAware));
        TestContext.Out.WriteLine(outcome);
        outcome.Verdict.ShouldBe(Verdict.Fails, outcome.ToString());
    }

    [TestCase(2, 2, 1.0, 51L)]
    public void TeacherAwareDataOfTheBoundsSize_CoversEveryTeacher(int d, int m, double eps, long seed)
    {
        var plan = SampleSizePlan.For(Bound, m, 2 * m, d, eps);
        var outcome = Run(d, m, plan, plan.Samples, seed);
        TestContext.Out.WriteLine(outcome);
        outcome.Verdict.ShouldBe(Verdict.Holds, outcome.ToString());
    }

    [TestCase(2, 2, 1.0, 51L)]
    public void TeacherAwareDataFarBelowTheBound_DoesNotCoverTheTeachers(int d, int m, double eps, long seed)
    {
        var plan = SampleSizePlan.For(Bound, m, 2 * m, d, eps);
        var outcome = Run(d, m, plan, samples: 3, seed);
        TestContext.Out.WriteLine(outcome);
        outcome.ConclusionObserved.ShouldBe(false, outcome.ToString());
        outcome.Verdict.ShouldBe(Verdict.Inconclusive, $"the claim says nothing below its bound: {outcome}");
    }

    static ClaimOutcome Run(int d, int m, SampleSizePlan plan, int samples, long seed)
    {
        using var scope = NewDisposeScope();
        var streams = CaseStreams.Named(seed);
        using var teacher = Teacher.Build(TeacherSpec.TwoLayer(d, m, outputs: 5), streams.Teacher);
        using var train = TeacherAware.Dataset(teacher, samples, streams.Data);
        using var student = Student.OverRealized(teacher, 2, streams.Student, ClaimBuilders.SmallProblemInitStd);
        using var evaluation = Inputs.Gaussian(1000, d, Verify.Model.Runtime.Seeds.Of(seed, "eval-inputs"));
        var training = SgdTrainer.Train(student, train, ClaimBuilders.FullBatch(epochs: 80, target: plan.GradientLevel, learningRate: 0.05), streams.Batches);
        return SampleSizeClaim.Judge(teacher, student, train.Count, evaluation, training, plan, Tolerances.SpecializationCorrelation);
    }
}
