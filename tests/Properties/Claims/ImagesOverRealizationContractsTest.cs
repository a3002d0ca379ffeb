using NUnit.Framework;
using Shouldly;
using Verify.Model.Analysis;
using Verify.Model.Claims;
using Verify.Model.Evidence;
using Verify.Model.Networks;
using Verify.Model.Training;
using static Verify.Properties.Claims.ExperimentRuns;

namespace Verify.Properties.Claims;

/// <summary>The CIFAR-10 verdict: the largest multi compared with the smallest.</summary>
/// <remarks>
/// On hand-built runs (<see cref="ExperimentRuns"/>) whose right verdict follows from the claim's
/// statement: which runs and sizes are read, which comparison is strict, what leaves it inconclusive.
/// One test per rule; the sweeps themselves are too slow to sit at these edges.
/// </remarks>
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
