using NUnit.Framework;
using Shouldly;
using Verify.Experiments.Support;
using Verify.Model.Claims;
using Verify.Model.Evidence;
using Verify.TestSupport;

namespace Verify.Experiments.SampleSize;

/// <summary>
/// Claim 3 as the paper's data comparison shows it: at small N, teacher-aware training data
/// (triplets straddling each teacher boundary) covers clearly more teacher nodes than Gaussian data
/// of the same size (coverage always measured on Gaussian eval data).
/// Seeds: the check averages coverage over 3 seeds and the smaller half of the sizes (9 runs per
/// kind at the default size), against a required gap of 0.2 (one of 5 teachers); the observed gap
/// at the default size was +0.76 (`reproduce`, run seed 2020, 27 Nov 2026), +0.80 at the paper's size.
/// </summary>
[TestFixture]
public sealed class TeacherAwareDataTest
{
    [TestCase("default"), Judges("teacher-aware-data")]
    [TestCase("paper", Category = "Nightly")]
    public void TeacherAwareDataCoversMoreTeachersAtSmallN(string scale)
    {
        var outcome = TeacherAwareDataClaim.Judge(ExperimentRuns.SampleSize(scale));

        outcome.Verdict.ShouldBe(Verdict.Holds, $"scale {scale}: {outcome}");
    }

    /// <summary>
    /// Negative control: the same augmentation built from an unrelated teacher's boundaries (the
    /// data is no longer aware of the teacher that labels it) must not beat Gaussian data by the
    /// required gap. Same sizes (the smaller half) and seeds as the default check.
    /// </summary>
    [Test]
    public void AugmentationAroundAnotherTeacher_DoesNotHelp()
    {
        var sweep = ExperimentRuns.Scale("default").SampleSize;
        var small = sweep with
        {
            Sizes = sweep.Sizes.Take((sweep.Sizes.Count + 1) / 2).ToArray(),
            Kinds = [TrainingData.TeacherAwareOfAnotherTeacher, TrainingData.Gaussian],
        };
        var runs = ExperimentRuns.TwoLayer("default/sample-size-control", small.Configs());

        var outcome = TeacherAwareDataClaim.Judge(runs, TrainingData.TeacherAwareOfAnotherTeacher);

        outcome.Verdict.ShouldBe(Verdict.Fails, outcome.ToString());
    }
}
