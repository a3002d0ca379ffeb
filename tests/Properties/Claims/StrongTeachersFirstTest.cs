using NUnit.Framework;
using Shouldly;
using Verify.Model.Claims;
using Verify.Model.Data;
using Verify.Model.Evidence;
using Verify.Model.Experiments;
using Verify.Model.Networks;
using Verify.TestSupport;
using static TorchSharp.torch;

namespace Verify.Properties.Claims;

/// <summary>
/// Claim 5 (strong teachers first) on small problems, by the judge that reads the paper's
/// success-rate sweep (<see cref="StrongTeachersFirstClaim"/>): teachers in strength order, the
/// share of the strongest third covered minus the weakest third's (mean of the early and the end
/// reading) has a one-sided 95% bootstrap lower bound over seeds above 0. The cases and their
/// negative control (teachers of equal strength, judged by the same judge) are
/// <see cref="StrongFirstRuns"/>: d 4, m 3, p = 2, multi 2, N 200, 120 epochs of 50 full-batch
/// steps, 16 case seeds <c>Seeds.Of(70, "strong-first", k)</c>. The gradient reading of the same
/// claim judges the same cases: <see cref="StrongTeachersFirstByGradientTest"/>.
/// </summary>
[TestFixture]
public sealed class StrongTeachersFirstTest
{
    const long FixtureSeed = StrongFirstRuns.FixtureSeed;
    static CoverageTimeline[] Decaying => StrongFirstRuns.Decaying;
    static CoverageTimeline[] EqualStrength => StrongFirstRuns.EqualStrength;

    [Test, Judges("strong-teachers-first")]
    public void StrongTeachersAreCoveredFirst()
    {
        var outcome = StrongTeachersFirstClaim.Judge(Decaying, FixtureSeed);
        TestContext.Out.WriteLine(outcome);

        outcome.Verdict.ShouldBe(Verdict.Holds, outcome.ToString());
    }

    [Test]
    public void TeachersOfEqualStrength_ShowNoDrop()
    {
        var outcome = StrongTeachersFirstClaim.Judge(EqualStrength, FixtureSeed);
        TestContext.Out.WriteLine(outcome);

        EqualStrength[0].TeacherFanOutNorms.Max().ShouldBe(EqualStrength[0].TeacherFanOutNorms.Min(), 1e-9, "the control's teachers have one strength");
        outcome.Verdict.ShouldBe(Verdict.Fails, outcome.ToString());
    }

    [TestCase(0), TestCase(4)]
    public void AnEarlyEpochOutsideTheBudget_IsRefused(int earlyEpoch)
    {
        using var scope = NewDisposeScope();
        var streams = CaseStreams.Named(1);
        using var teacher = Teacher.Build(TeacherSpec.TwoLayer(4, 3, outputs: 5), streams.Teacher);
        using var data = Dataset.Gaussian(teacher, 20, streams.Data);
        using var student = Student.OverRealized(teacher, 2, streams.Student, ClaimBuilders.SmallProblemInitStd);

        Should.Throw<ArgumentOutOfRangeException>(() => FirstCoverage.Record(teacher, student, data, data.Inputs, ClaimBuilders.FullBatch(epochs: 3, target: null, itersPerEpoch: 1),
            streams.Batches, Tolerances.SpecializationCorrelation, earlyEpoch, new TimelineLabel("c", "s", 1, 0, 2))).Message.ShouldContain("1..3");
    }

    [Test]
    public void TwoSeeds_AreInconclusiveWhateverTheyShow()
    {
        var outcome = StrongTeachersFirstClaim.Judge(Decaying.Take(StrongTeachersFirstClaim.MinSeeds - 1).ToArray(), FixtureSeed);

        outcome.Verdict.ShouldBe(Verdict.Inconclusive, outcome.ToString());
    }
}
