using NUnit.Framework;
using Shouldly;
using Verify.Model.Claims;
using Verify.Model.Evidence;
using static Verify.Properties.Claims.ExperimentRuns;

namespace Verify.Properties.Claims;

/// <summary>The verdict on teacher-aware data: coverage compared over the smaller half of the sizes, and what leaves it inconclusive.</summary>
[TestFixture]
public sealed class TeacherAwareDataContractsTest
{
    [Test]
    public void TeacherAware_ComparesCoverageOverTheSmallerHalfOfTheSizes()
    {
        var runs = new[]
        {
            Run(m: 4, nTrain: 10, data: TrainingData.TeacherAware, end: Covering(4, 3)), Run(m: 4, nTrain: 10, end: Covering(4, 2)),
            Run(m: 4, nTrain: 20, data: TrainingData.TeacherAware, end: Covering(4, 2)), Run(m: 4, nTrain: 20, end: Covering(4, 1)),
            Run(m: 4, nTrain: 40, data: TrainingData.TeacherAware, end: Covering(4, 0)), Run(m: 4, nTrain: 40, end: Covering(4, 4)),
        };
        var outcome = TeacherAwareDataClaim.Judge(runs);
        outcome.Numbers.SmallNGap.ShouldBe(0.25, 1e-12, "sizes 10 and 20 are the smaller half of three; size 40 is not read");
        outcome.Numbers.Coverage.Select(c => (c.Samples, c.TeacherAware, c.Gaussian)).ShouldBe([(10, 0.75, 0.5), (20, 0.5, 0.25), (40, 0.0, 1.0)]);
        outcome.Verdict.ShouldBe(Verdict.Holds, "a gap of 0.25 is at least 0.2");
        TeacherAwareDataClaim.Judge(runs.Take(4).ToArray()).Numbers.SmallNGap.ShouldBe(0.25, 1e-12, "of two sizes the smaller one is read");

        var flat = runs.Select(r => r with { BestCorrPerTeacher = Covering(4, 2) }).ToArray();
        TeacherAwareDataClaim.Judge(flat).Verdict.ShouldBe(Verdict.Fails, "no gap");

        TeacherAwareDataClaim.Judge(runs, TrainingData.TeacherAwareOfAnotherTeacher).Reason!.ShouldContain("both kinds of data");
        TeacherAwareDataClaim.Judge(runs.Take(5).ToArray()).Reason!.ShouldContain("at the same sizes");
        TeacherAwareDataClaim.Judge(runs.Where(r => r.Config.TrainData == TrainingData.TeacherAware).ToArray()).Verdict.ShouldBe(Verdict.Inconclusive);
    }
}
