using NUnit.Framework;
using Shouldly;
using Verify.Model.Claims;
using static Verify.Properties.Claims.ExperimentRuns;

namespace Verify.Properties.Claims;

/// <summary>The CIFAR-10 verdict: the largest multi compared with the smallest.</summary>
[TestFixture]
public sealed class ImagesOverRealizationContractsTest
{
    [Test]
    public void Images_CompareTheLargestMultiWithTheSmallest()
    {
        var runs = new[] { Run(multi: 1, end: [0.5, 0.5, 0.5]), Run(multi: 4, end: [0.7, 0.7, 0.7]), Run(multi: 2, end: [0.1, 0.1, 0.1]) };
        var outcome = ImagesOverRealizationClaim.Judge(runs, "test");
        outcome.Verdict.ShouldBe(Verdict.Holds, "multi 4 (0.7) above multi 1 (0.5); multi 2 in between is not compared");
        outcome.Numbers.MeanBestCorrelation.Select(v => v.Multi).ShouldBe([1, 2, 4]);
        ImagesOverRealizationClaim.Judge([runs[0], runs[1] with { BestCorrPerTeacher = [0.5, 0.5, 0.5] }], "test").Verdict.ShouldBe(Verdict.Fails, "equal is not raised");
        ImagesOverRealizationClaim.Judge([runs[0]], "test").Reason!.ShouldContain("two multis");
    }
}
