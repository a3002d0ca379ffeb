using NUnit.Framework;
using Shouldly;
using Verify.Model.Claims;
using Verify.Model.Evidence;
using static Verify.Properties.Claims.ExperimentRuns;

namespace Verify.Properties.Claims;

/// <summary>Claim 5 (strong teachers first) as the sweep judges it: the drop's bootstrap lower bound over seeds, every judged decay, and the rank trend in p.</summary>
[TestFixture]
public sealed class StrongFirstContractsTest
{
    /// <summary>A run of decay <paramref name="decay"/> whose early and end drop are both <paramref name="drop"/> in {-1, 0, 1} (m = 3).</summary>
    static CoverageTimeline Dropping(int drop, long seed, double decay = 1, int multi = 1)
    {
        bool[] covered = drop switch { 1 => [true, true, false], 0 => [true, true, true], _ => [false, true, true] };
        return Timeline(decay, seed, multi, early: covered, end: covered);
    }

    static CoverageTimeline[] SeedsDropping(int count, int drop, double decay = 1, long from = 1) =>
        Enumerable.Range(0, count).Select(i => Dropping(drop, from + i, decay)).ToArray();

    [Test]
    public void StrongFirst_NeedsTheDropsLowerBoundAboveZero()
    {
        var outcome = StrongTeachersFirstClaim.Judge(SeedsDropping(3, 1), runSeed: 5);
        outcome.Verdict.ShouldBe(Verdict.Holds, "every seed drops by 1: every resample's mean is 1");
        outcome.Numbers.Drops.Single().Lower95.ShouldBe(1);
        var flat = StrongTeachersFirstClaim.Judge(SeedsDropping(3, 0), runSeed: 5);
        flat.Verdict.ShouldBe(Verdict.Fails, "a lower bound of exactly 0 is not positive");
        flat.Numbers.Drops.Single().Lower95.ShouldBe(0);
        flat.Evidence.ShouldContain("p 1: drop 0.00 (95% lower bound 0.00, 3 seeds, strength ratio 3) [not positive]");
        outcome.Numbers.Drops.Single().StrengthRatio.ShouldBe(3, 1e-12, "fan-out norms 1, 1/2, 1/3 at p 1");
        (StrongTeachersFirstClaim.MinDecay, StrongTeachersFirstClaim.MinSeeds, StrongTeachersFirstClaim.MinTrendDecays).ShouldBe((1.0, 3, 3));
    }

    [Test]
    public void StrongFirst_NeedsEveryJudgedDecayPositive_NotOne()
    {
        var oneFlat = StrongTeachersFirstClaim.Judge([.. SeedsDropping(3, 1, decay: 1), .. SeedsDropping(3, 0, decay: 2)], runSeed: 5);
        oneFlat.Numbers.Drops.Select(d => d.Lower95).ShouldBe([1.0, 0.0]);
        oneFlat.Verdict.ShouldBe(Verdict.Fails, "p 2 shows no drop, whatever p 1 shows");
        oneFlat.ConclusionObserved.ShouldBe(false);
    }

    [Test]
    public void StrongFirst_LowerBoundIsAPercentileOverResampledSeeds()
    {
        var oneBadOfThree = StrongTeachersFirstClaim.Judge([.. SeedsDropping(2, 1), Dropping(-1, seed: 3)], runSeed: 5);
        oneBadOfThree.Numbers.Drops.Single().Drop.ShouldBe(1.0 / 3, 1e-12);
        oneBadOfThree.Verdict.ShouldBe(Verdict.Fails, "two or three draws of the bad seed (probability 7/27) pull the mean to -1/3 or below");
        oneBadOfThree.Numbers.Drops.Single().Lower95.ShouldBeLessThanOrEqualTo(-1.0 / 3 + 1e-12);
        var oneBadOfTwenty = StrongTeachersFirstClaim.Judge([.. SeedsDropping(19, 1), Dropping(-1, seed: 20)], runSeed: 5);
        oneBadOfTwenty.Verdict.ShouldBe(Verdict.Holds, "the bound stays positive unless half the draws are the bad seed");
    }

    [Test]
    public void StrongFirst_TakesTheSeedAsTheUnit_AveragingItsRunsFirst()
    {
        var outcome = StrongTeachersFirstClaim.Judge([Dropping(1, 1, multi: 1), Dropping(0, 1, multi: 2), Dropping(1, 2), Dropping(1, 3)], runSeed: 5);
        outcome.Numbers.Drops.Single().Drop.ShouldBe((0.5 + 1 + 1) / 3, 1e-12, "seed 1's two runs count once, as 0.5");
        outcome.Numbers.Drops.Single().Seeds.ShouldBe(3);
        var missing = StrongTeachersFirstClaim.Judge([.. SeedsDropping(3, 1, decay: 1), .. SeedsDropping(2, 0, decay: 2)], runSeed: 5);
        var atTwo = missing.Numbers.Drops.Single(d => d.Decay == 2);
        (atTwo.Seeds, atTwo.Drop, atTwo.Lower95).ShouldBe((2, 0.0, 0.0), "a seed without runs at p 2 is skipped there, not read as a drop");
        missing.Reason.ShouldBe("hypothesis missed: 2 seeds at p 2, 3 needed for the bootstrap");
    }

    [Test]
    public void StrongFirst_JudgesOnlyDecaysFromOne_AndNeedsThreeSeeds()
    {
        var outcome = StrongTeachersFirstClaim.Judge([.. SeedsDropping(3, 1, decay: 1), .. SeedsDropping(3, -1, decay: 0.5)], runSeed: 5);
        outcome.Verdict.ShouldBe(Verdict.Holds, "p 0.5 (drop -1) is reported, not judged; two values of p leave the trend unjudged");
        outcome.Numbers.Drops.Select(d => (d.Decay, d.Judged)).ShouldBe([(0.5, false), (1.0, true)]);
        outcome.Numbers.TrendJudged.ShouldBeFalse();
        double.IsNaN(outcome.Numbers.TrendRankCorrelation).ShouldBeTrue("no trend is computed over two values of p");
        outcome.Evidence.ShouldContain("[not judged]");
        outcome.Evidence.ShouldContain("trend in p not judged (2 values of p, 3 needed)");
        outcome.Numbers.MinDecay.ShouldBe(1);
        StrongTeachersFirstClaim.Judge(SeedsDropping(3, 1, decay: 0.99), runSeed: 5).Reason.ShouldBe("hypothesis missed: no p >= 1");
        StrongTeachersFirstClaim.Judge(SeedsDropping(2, 1), runSeed: 5).Reason.ShouldBe("hypothesis missed: 2 seeds at p 1, 3 needed for the bootstrap");
        Should.Throw<ArgumentException>(() => StrongTeachersFirstClaim.Judge([], runSeed: 5)).Message.ShouldContain("No runs");
    }

    [Test]
    public void StrongFirst_NeedsTheDropToGrowWithP_AsARankTrend()
    {
        // drops 0 at p 0, 1/2 at p 1, 1 at p 2 in every seed: Spearman 1 in every resample.
        CoverageTimeline[] Sweep(int[] dropsByDecay) => Enumerable.Range(1, 3).SelectMany(seed => dropsByDecay.Select((d, i) =>
            Timeline(i, seed, early: d >= 1 ? [true, true, false] : [true, true, true], end: d >= 2 ? [true, true, false] : [true, true, true]))).ToArray();
        var rising = StrongTeachersFirstClaim.Judge(Sweep([0, 1, 2]), runSeed: 5);
        rising.Verdict.ShouldBe(Verdict.Holds, rising.Evidence);
        (rising.Numbers.TrendRankCorrelation, rising.Numbers.TrendLow95, rising.Numbers.TrendHigh95).ShouldBe((1.0, 1.0, 1.0));
        rising.Numbers.TrendJudged.ShouldBeTrue("three values of p, one of them below 1, make a trend");
        var falling = StrongTeachersFirstClaim.Judge(Sweep([2, 2, 1]), runSeed: 5);
        falling.Numbers.Drops.Where(d => d.Judged).ShouldAllBe(d => d.Lower95 > 0, "each judged p drops");
        falling.Verdict.ShouldBe(Verdict.Fails, "but the drop shrinks with p");
        var flat = StrongTeachersFirstClaim.Judge(Sweep([2, 2, 2]), runSeed: 5);
        flat.Verdict.ShouldBe(Verdict.Fails, "equal drops at every p show no trend (a rank correlation of 0, not above it)");
        (flat.Numbers.TrendRankCorrelation, flat.Numbers.TrendLow95, flat.Numbers.TrendHigh95).ShouldBe((0.0, 0.0, 0.0), "no spread in the drops reads as no trend");
        flat.Evidence.ShouldContain("[not above 0]");
        rising.Evidence.ShouldContain("trend in p: Spearman 1.00 (95% interval 1.00 to 1.00);");
    }

    [Test]
    public void StrongFirst_BootstrapsWithTheSeedNamedFromTheRunSeed()
    {
        CoverageTimeline[] runs = [.. SeedsDropping(4, 1), Dropping(-1, seed: 5), Dropping(0, seed: 6)];
        var a = StrongTeachersFirstClaim.Judge(runs, runSeed: 5);
        a.Numbers.BootstrapSeed.ShouldBe(Verify.Model.Runtime.Seeds.Of(5, "bootstrap"));
        StrongTeachersFirstClaim.Judge(runs, runSeed: 5).Numbers.Drops.Single().Lower95.ShouldBe(a.Numbers.Drops.Single().Lower95, "one run seed, one bound");
        a.Numbers.Resamples.ShouldBe(StrongTeachersFirstClaim.Resamples);
        (a.Numbers.Runs, a.Numbers.Alpha).ShouldBe((6, 0.05));
    }
}
