using NUnit.Framework;
using Shouldly;
using Verify.Model.Analysis;
using Verify.Model.Claims;
using Verify.Model.Evidence;
using static Verify.Properties.Claims.ExperimentRuns;

namespace Verify.Properties.Claims;

/// <summary>Claim 6 (over-realization helps) as the sweep judges it: two sign tests over series that differ only in width, and a rank trend over every width.</summary>
[TestFixture]
public sealed class OverRealizationContractsTest
{
    /// <summary>A run of multi <paramref name="multi"/> in series <paramref name="series"/> with early coverage covered/4 and the mean first epoch <paramref name="first"/>.</summary>
    static CoverageTimeline Width(string series, int multi, int covered, int first) =>
        Timeline(0, 1, multi, early: Enumerable.Range(0, 4).Select(j => j < covered).ToArray(), first: [first, first, first, first], series: series);

    static CoverageTimeline[] Good(string series) => [Width(series, 1, 1, 6), Width(series, 2, 2, 4), Width(series, 4, 3, 3)];
    static CoverageTimeline[] Bad(string series) => [Width(series, 1, 3, 3), Width(series, 2, 2, 4), Width(series, 4, 1, 6)];
    static CoverageTimeline[] Tied(string series) => [Width(series, 1, 2, 4), Width(series, 2, 2, 4), Width(series, 4, 2, 4)];

    static void ShouldBeSignTest(SignTest test, int successes, int trials, double p)
    {
        (test.Successes, test.Trials).ShouldBe((successes, trials));
        test.PValue.ShouldBe(p, 1e-12);
    }

    [Test]
    public void OverRealization_HoldsWhenBothStatisticsFavourWidthInEnoughSeries()
    {
        var five = Enumerable.Range(0, 5).SelectMany(i => Good($"s{i}")).ToArray();
        var outcome = OverRealizationClaim.Judge(five);
        outcome.Verdict.ShouldBe(Verdict.Holds, "5 of 5 each: p = 1/32");
        ShouldBeSignTest(outcome.Numbers.EarlyCoverage, 5, 5, 1.0 / 32);
        ShouldBeSignTest(outcome.Numbers.FirstEpoch, 5, 5, 1.0 / 32);
        outcome.Numbers.MeanCoveragePerWidth.ShouldBe([0.25, 0.5, 0.75]);
        outcome.Numbers.MeanFirstEpochPerWidth.ShouldBe([6.0, 4.0, 3.0]);
        outcome.Numbers.Multis.ShouldBe([1, 2, 4]);
        outcome.Cases.ShouldBe(new CaseCounts(5, 5, 0, 0));
        outcome.ConclusionObserved.ShouldBe(true);
        (outcome.Numbers.Series, outcome.Numbers.Successes, outcome.Numbers.SeriesNeeded).ShouldBe((5, 5, 5));
        outcome.Numbers.SdCoveragePerWidth.ShouldBe([0.0, 0.0, 0.0]);
        outcome.Evidence.ShouldContain("s0: x1 cov@2 0.25 first 6 x2 cov@2 0.5 first 4 x4 cov@2 0.75 first 3");
        OverRealizationClaim.Judge(five.Take(12).ToArray()).Verdict.ShouldBe(Verdict.Inconclusive, "4 series cannot reach 0.05");
    }

    [Test]
    public void OverRealization_FailsWhenASignTestIsNotSignificant()
    {
        var outcome = OverRealizationClaim.Judge([.. Enumerable.Range(0, 5).SelectMany(i => Good($"g{i}")), .. Bad("b0"), .. Bad("b1")]);
        outcome.Verdict.ShouldBe(Verdict.Fails, "5 of 7 has p = 0.23");
        outcome.Numbers.PValue.ShouldBe(Statistics.BinomialUpperTail(5, 7, 0.5), 1e-15);
        outcome.Cases.ShouldBe(new CaseCounts(7, 5, 2, 0));
        outcome.ConclusionObserved.ShouldBe(false);
        outcome.Numbers.SdCoveragePerWidth[0].ShouldBe(MathNet.Numerics.Statistics.Statistics.StandardDeviation([0.25, 0.25, 0.25, 0.25, 0.25, 0.75, 0.75]), 1e-12);
        outcome.Numbers.SdFirstEpochPerWidth[2].ShouldBe(MathNet.Numerics.Statistics.Statistics.StandardDeviation([3.0, 3, 3, 3, 3, 6, 6]), 1e-12);
        var pOfFive = Statistics.BinomialUpperTail(5, 5, 0.5);
        OverRealizationClaim.Judge(Enumerable.Range(0, 5).SelectMany(i => Good($"s{i}")).ToArray(), alpha: pOfFive).Verdict.ShouldBe(Verdict.Holds, "p equal to alpha is significant");
    }

    [Test]
    public void OverRealization_DropsTies_AndALostTestIsAFailureNotInconclusive()
    {
        var withTies = OverRealizationClaim.Judge([.. Enumerable.Range(0, 5).SelectMany(i => Good($"g{i}")), .. Tied("t0"), .. Tied("t1")]);
        withTies.Verdict.ShouldBe(Verdict.Holds, "tied series count for neither side");
        ShouldBeSignTest(withTies.Numbers.EarlyCoverage, 5, 5, 1.0 / 32);
        withTies.Cases.ShouldBe(new CaseCounts(7, 5, 0, 2));
        var lost = OverRealizationClaim.Judge(Enumerable.Range(0, 5).SelectMany(i => Bad($"b{i}")).Concat(Tied("t")).ToArray());
        lost.Verdict.ShouldBe(Verdict.Fails);
        // Coverage favours width in 5 series while the first-covered epoch is tied in all but 4: inconclusive.
        var epochTied = Enumerable.Range(0, 5).SelectMany(i => i < 4 ? Good($"g{i}") : [Width($"g{i}", 1, 1, 4), Width($"g{i}", 2, 2, 4), Width($"g{i}", 4, 3, 4)]).ToArray();
        var outcome = OverRealizationClaim.Judge(epochTied);
        outcome.Verdict.ShouldBe(Verdict.Inconclusive, outcome.Evidence);
        outcome.Reason.ShouldBe("non-tied series: 5 for early coverage, 4 for the first-covered epoch; 5 needed per sign test");
        outcome.Numbers.PValue.ShouldBe(1.0 / 16, 1e-12, "the larger of the two p-values");
    }

    [Test]
    public void OverRealization_ReadsARankTrendOverEveryWidth_NotTheEnds()
    {
        // Coverage 2/4, 1/4, 3/4 over multi 1, 2, 4: Spearman 0.5, a success; the epoch falls throughout.
        var zigzag = Enumerable.Range(0, 5).SelectMany(i => new[] { Width($"z{i}", 1, 2, 6), Width($"z{i}", 2, 1, 4), Width($"z{i}", 4, 3, 3) }).ToArray();
        OverRealizationClaim.Judge(zigzag).Numbers.EarlyCoverage.Successes.ShouldBe(5);
        // A never-covered teacher ranks after the last epoch: first epochs {never} at multi 1 against 9 of 10 at multi 2.
        var never = Enumerable.Range(0, 5).SelectMany(i => new[]
        {
            Timeline(0, 1, 1, early: [false], first: [null], series: $"n{i}"), Timeline(0, 1, 2, early: [true], first: [9], series: $"n{i}"),
        }).ToArray();
        OverRealizationClaim.Judge(never).Numbers.FirstEpoch.Successes.ShouldBe(5);
    }

    [Test]
    public void OverRealization_NeedsSeriesOfTwoWidths()
    {
        Should.Throw<ArgumentException>(() => OverRealizationClaim.Judge([Width("a", 1, 1, 1), Width("b", 2, 1, 1)])).Message.ShouldContain("No series");
        var one = OverRealizationClaim.Judge([.. Good("a"), Width("alone", 1, 1, 1)]);
        one.Numbers.Series.ShouldBe(1, "a series of one width is not a series");
        one.Numbers.SdCoveragePerWidth.ShouldBe([0.0, 0.0, 0.0], "one series has no spread");
    }
}
