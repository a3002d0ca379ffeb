using NUnit.Framework;
using Shouldly;
using Verify.Model.Analysis;
using Verify.Model.Evidence;
using static Verify.Properties.Claims.ExperimentRuns;

namespace Verify.Properties.Claims;

/// <summary>The spread the report's figures draw: Clopper-Pearson bands of a success rate, and the sample-size bands from the smallest to the largest coverage over seeds.</summary>
[TestFixture]
public sealed class FigureBandsContractsTest
{
    [Test]
    public void SuccessRateBands_AreTheClopperPearsonIntervalOfAFractionOfSeeds()
    {
        var curve = SuccessRate.Curves([Run(seed: 1, end: Covering(3, 1)), Run(seed: 2, end: Covering(3, 2)), Run(seed: 3, end: Covering(3, 2))]).Single();
        curve.End.ShouldBe([1.0, 2.0 / 3, 0.0]);
        var (low, high) = curve.Interval(curve.End);
        low[0].ShouldBe(Statistics.ClopperPearson(3, 3).Low, 1e-12, "3 of 3 seeds");
        (low[1], high[1]).ShouldBe(Statistics.ClopperPearson(2, 3), "2 of 3 seeds");
        (low[2], high[2]).ShouldBe(Statistics.ClopperPearson(0, 3), "0 of 3 seeds");
    }

    [Test]
    public void SampleSizeBands_RunFromTheSmallestToTheLargestSeedsCoverage()
    {
        var curve = SampleSize.Curves([Run(m: 4, nTrain: 10, seed: 1, end: Covering(4, 1)), Run(m: 4, nTrain: 10, seed: 2, end: Covering(4, 3))]).Single();
        (curve.Coverage[0], curve.CoverageMin[0], curve.CoverageMax[0]).ShouldBe((0.5, 0.25, 0.75));
    }
}
