using NUnit.Framework;
using Shouldly;
using Verify.Model.Analysis;
using Verify.Model.Claims;
using Verify.Model.Evidence;
using Verify.Model.Networks;
using Verify.Model.Training;

namespace Verify.Properties.Claims;

/// <summary>
/// The verdicts the report reads off the paper's sweeps (strong teachers first, over-realization,
/// keeps-what-it-found, teacher-aware data, multi-layer, leaky strong teachers, CIFAR-10, the
/// L-shape), the convergence table, and the evidence the sweeps hand to claims 4, 5 and 6, on
/// hand-built runs whose right verdict follows from each claim's statement: which runs and sizes are
/// read, which comparison is strict, what leaves a claim inconclusive. One test per rule. The sweeps
/// themselves are too slow to sit at these edges.
/// </summary>
[TestFixture]
public sealed class ExperimentClaimContractsTest
{
    static TwoLayerRun Run(double decay = 1, int multi = 1, long seed = 1, int m = 3, double[]? end = null, double[]? early = null,
        double[]? evalLoss = null, TrainingData data = TrainingData.Gaussian, int nTrain = 100, TrainingOutcome outcome = TrainingOutcome.BudgetExhausted,
        Activation? activation = null, int?[]? firstCovered = null, int earlyEpoch = 5) =>
        new(new TwoLayerConfig
            {
                D = 4, M = m, Multi = multi, Decay = decay, Seed = seed, NTrain = nTrain, Batch = 1, TrainData = data,
                Activation = activation ?? Activation.Relu, Epochs = (evalLoss ?? [1.0]).Length, EarlyEpoch = earlyEpoch,
            },
            0, 0, end ?? new double[m], firstCovered ?? new int?[m], early ?? new double[m], [], [], Enumerable.Range(1, m).Select(j => 1.0 / j).ToArray(), 0,
            evalLoss ?? [1.0], [], outcome, 0);

    static double[] Covering(int m, int covered) => Enumerable.Range(0, m).Select(j => j < covered ? 0.99 : 0.5).ToArray();

    // ---- convergence: a reported table, not a verdict ----

    [Test]
    public void ConvergenceTable_ReadsEachRunsFinalEpoch_WithItsSpreadOverSeeds()
    {
        var table = Convergence.FinalLoss(
        [
            Run(decay: 1, multi: 2, seed: 1, evalLoss: [1.0, 1e-2]), Run(decay: 1, multi: 2, seed: 2, evalLoss: [1.0, 1e-4]),
            Run(decay: 0, multi: 1, seed: 1, evalLoss: [1e-3]),
        ]);
        table.Select(f => (f.Decay, f.Multi)).ShouldBe([(0.0, 1), (1.0, 2)], "ordered by p, then multi");
        var two = table[1].Log10EvalLoss;
        (two.Mean, two.Min, two.Max, two.Seeds).ShouldBe((-3.0, -4.0, -2.0, 2), "the final epoch's loss, not the first");
        two.Sd.ShouldBe(Math.Sqrt(2), 1e-12, "sample standard deviation of -2 and -4");
        table[0].Log10EvalLoss.Sd.ShouldBe(0, "one seed has no spread");
        Spread.Of([]).Seeds.ShouldBe(0);
    }

    [Test]
    public void ConvergenceCurves_GiveEachEpochsSpread_OverTheShortestRun()
    {
        var curves = Convergence.Log10EvalLoss([Run(multi: 2, seed: 1, evalLoss: [10.0, 1.0, 0.1]), Run(multi: 2, seed: 2, evalLoss: [1000.0, 0.01])]);
        var curve = curves[(1.0, 2)];
        curve.Length.ShouldBe(2, "the shorter run has two epochs");
        (curve[0].Mean, curve[0].Min, curve[0].Max).ShouldBe((2.0, 1.0, 3.0));
        (curve[1].Mean, curve[1].Min, curve[1].Max).ShouldBe((-1.0, -2.0, 0.0));
    }

    // ---- the spread the figures draw ----

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

    // ---- training keeps what it found ----

    [Test]
    public void Keeps_ComparesEachGroupsFinalRateWithItsEarlyRate()
    {
        var runs = new[]
        {
            Run(decay: 1, multi: 1, end: Covering(3, 2), early: Covering(3, 2), evalLoss: new double[8], earlyEpoch: 5),
            Run(decay: 1, multi: 2, end: Covering(3, 3), early: Covering(3, 1), evalLoss: new double[8], earlyEpoch: 5),
        };
        var outcome = KeepsWhatItFoundClaim.Judge(runs);
        outcome.Verdict.ShouldBe(Verdict.Holds, "an unchanged rate is kept");
        outcome.Numbers.EarlyMean.ShouldBe((2.0 / 3 + 1.0 / 3) / 2, 1e-12);
        outcome.Numbers.EndMean.ShouldBe((2.0 / 3 + 1.0) / 2, 1e-12);
        outcome.Numbers.WorstGain.ShouldBe(0, 1e-12);
        (outcome.Numbers.WorstDecay, outcome.Numbers.WorstMulti, outcome.Numbers.EarlyEpoch).ShouldBe((1.0, 1, 5));

        var lost = KeepsWhatItFoundClaim.Judge([runs[0] with { BestCorrPerTeacher = Covering(3, 1) }, runs[1]]);
        lost.Verdict.ShouldBe(Verdict.Fails, "multi 1 lost a teacher it had found");
        lost.Numbers.WorstGain.ShouldBe(-1.0 / 3, 1e-12);
        Run(evalLoss: [1.0, 1.0]).EarlyEpoch.ShouldBe(2, "the early epoch is capped by the run's epochs");

        var none = KeepsWhatItFoundClaim.Judge([]);
        none.Verdict.ShouldBe(Verdict.Inconclusive);
        none.Reason.ShouldBe("no runs");
    }

    // ---- teacher-aware data ----

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

    // ---- multi-layer, leaky strong teachers, CIFAR-10 ----

    static MultiLayerRun Deep(double[] means, TrainingOutcome outcome = TrainingOutcome.BudgetExhausted) => new(new MultiLayerConfig(), means, 0, outcome, 0);

    [Test]
    public void MultiLayer_NeedsTheLowestLayerAtTheLevel_InclusiveBoundary()
    {
        MultiLayerClaim.Judge([Deep([MultiLayerClaim.MinLowestLayer, 0.5])]).Verdict.ShouldBe(Verdict.Holds, "exactly the level counts");
        var low = MultiLayerClaim.Judge([Deep([MultiLayerClaim.MinLowestLayer - 1e-9, 0.5])]);
        low.Verdict.ShouldBe(Verdict.Fails, "below the level, however far above the upper layers");
        low.Evidence.ShouldContain("[below]");
        low.Evidence.ShouldNotContain("[an upper layer is higher]");
        MultiLayerClaim.MinLowestLayer.ShouldBe(0.9);
    }

    [Test]
    public void MultiLayer_AllowsUpperLayersAtMostTheSlackAboveTheLowest()
    {
        var within = MultiLayerClaim.Judge([Deep([0.95, 0.95 + 0.019, 0.5]), Deep([0.95, 0.95 + 0.019, 0.5])]);
        within.Verdict.ShouldBe(Verdict.Holds, "0.019 above the lowest is within the 0.02 slack");
        within.Numbers.MeanBestCorrelationPerLayer.ShouldBe([0.95, 0.969, 0.5], 1e-12);
        within.Numbers.Runs.ShouldBe(2);
        var above = MultiLayerClaim.Judge([Deep([0.95, 0.5, 0.95 + 0.021])]);
        above.Verdict.ShouldBe(Verdict.Fails, "the top layer is 0.021 above the lowest");
        above.Evidence.ShouldContain("[an upper layer is higher]");
        above.Evidence.ShouldNotContain("[below]");
        MultiLayerClaim.Slack.ShouldBe(0.02);
    }

    [Test]
    public void MultiLayer_JudgesTheMeanOverRuns_AndReportsTheirSpread()
    {
        var outcome = MultiLayerClaim.Judge([Deep([0.92, 0.99]), Deep([0.98, 0.85])]);
        outcome.Verdict.ShouldBe(Verdict.Holds, "the means 0.95 and 0.92 are compared, not each run");
        outcome.Numbers.SdPerLayer[0].ShouldBe(Math.Sqrt(0.0018), 1e-12);
        outcome.Numbers.MinPerLayer.ShouldBe([0.92, 0.85]);
        MultiLayerClaim.Judge([Deep([0.85, 0.5]), Deep([0.93, 0.5])]).Verdict.ShouldBe(Verdict.Fails, "mean 0.89 is below the level though one run is above it");
        MultiLayerClaim.Judge([Deep([0.95, 0.5]), Deep([0.95, 0.5], TrainingOutcome.Diverged)]).Reason!.ShouldContain("diverged");
    }

    [Test]
    public void LeakyStrongTeachers_NeedsTheStrongestThirdCoveredInEveryOverRealizedRun()
    {
        var leaky = Activation.LeakyRelu(0.1);
        var good = Run(m: 6, multi: 2, activation: leaky, end: Covering(6, 2));
        var outcome = LeakyStrongTeachersClaim.Judge([good, good, Run(m: 6, multi: 1, activation: leaky, end: Covering(6, 0))]);
        outcome.Verdict.ShouldBe(Verdict.Holds, "the run of multi 1 is not over-realized and not read");
        (outcome.Numbers.OverRealizedRuns, outcome.Numbers.RunsWithStrongThirdCovered).ShouldBe((2, 2));
        var weak = Run(m: 6, multi: 3, activation: leaky, end: Covering(6, 1));
        LeakyStrongTeachersClaim.Judge([good, weak]).Numbers.RunsWithStrongThirdCovered.ShouldBe(1, "teacher 2 of the strongest third (2 of 6) is not covered");
        LeakyStrongTeachersClaim.Judge([good, weak]).Verdict.ShouldBe(Verdict.Fails);
        LeakyStrongTeachersClaim.Judge([Run(m: 2, multi: 2, activation: leaky, end: Covering(2, 1))]).Verdict.ShouldBe(Verdict.Holds, "with m < 3 the strongest teacher alone is the third");
        LeakyStrongTeachersClaim.Judge([Run(m: 6, multi: 1, activation: leaky)]).Reason.ShouldBe("hypothesis missed: no over-realized run");
        Should.Throw<ArgumentException>(() => LeakyStrongTeachersClaim.Judge([Run(multi: 2)])).Message.ShouldContain("leaky-ReLU activation only");
    }

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

    // ---- the evidence handed to claims 5 and 6 ----

    [Test]
    public void Timelines_PutRunsThatDifferOnlyInMultiInOneSeries()
    {
        var runs = new[]
        {
            Run(seed: 1, multi: 2, end: Covering(3, 3), early: Covering(3, 1), firstCovered: [1, 2, null], evalLoss: [0.9, 0.3, 0.1], earlyEpoch: 2)
                with { GradAtFirstCover = [4.0, 2.0, null], LossAtFirstCover = [0.4, 0.2, null], MaxSampleGrad = 0.5 },
            Run(seed: 1, multi: 1, evalLoss: [0.9, 0.5, 0.2], earlyEpoch: 2),
            Run(seed: 2, multi: 1, evalLoss: [1.0, 1.0, 1.0], earlyEpoch: 2),
            Run(seed: 1, decay: 0, multi: 3, evalLoss: [1.0, 1.0, 1.0], earlyEpoch: 2),
        };
        var t = SweepEvidence.Timelines(runs);
        t[0].Series.ShouldBe(t[1].Series, "same seed and p: one series");
        t[2].Series.ShouldNotBe(t[0].Series, "another seed: another teacher");
        t[3].Series.ShouldNotBe(t[0].Series, "another p: another teacher");
        (t[0].Seed, t[0].Decay, t[0].Multi, t[0].EarlyEpoch, t[0].EpochsRun).ShouldBe((1L, 1.0, 2, 2, 3));
        t[0].CoveredEarly.ShouldBe([true, false, false]);
        t[0].CoveredAtEnd.ShouldBe([true, true, true]);
        t[0].FirstCoveredEpoch.ShouldBe([1, 2, null]);
        t[0].GradientAtFirstCover.ShouldBe([4.0, 2.0, null]);
        t[0].LossAtFirstCover.ShouldBe([0.4, 0.2, null]);
        t[0].FinalGradient.ShouldBe(0.5, "the run's final max per-sample gradient");
        t[1].GradientAtFirstCover.ShouldBeNull("a run recorded without the gradient at first cover");
        t[0].TeacherFanOutNorms.ShouldBe([1.0, 0.5, 1.0 / 3]);
        SweepEvidence.Seeds(runs).ShouldBe(2);
        SweepEvidence.Unusable(Array.Empty<TwoLayerRun>(), r => r.Outcome, r => r.Config).ShouldBe("no runs");
        SweepEvidence.Unusable(runs, r => r.Outcome, r => r.Config).ShouldBeNull();
    }

    static CoverageTimeline Timeline(double decay = 1, long seed = 1, int multi = 1, bool[]? early = null, bool[]? end = null, int?[]? first = null, int epochs = 10, string? series = null)
    {
        var m = (early ?? end ?? first?.Select(e => e is not null).ToArray() ?? new bool[3]).Length;
        return new CoverageTimeline("run", series ?? $"seed {seed}, p {decay}", seed, decay, multi, first ?? new int?[m], early ?? new bool[m], end ?? new bool[m], 2, epochs,
            Enumerable.Range(1, m).Select(j => Math.Pow(j, -decay)).ToArray());
    }

    [Test]
    public void Timeline_NeverCoveredRanksAfterTheLastEpoch_AndTheDropReadsThirds()
    {
        Timeline(first: [3, null], epochs: 7).EpochOrNever.ShouldBe([3.0, 8.0]);
        Timeline(first: [3, null], epochs: 7).MeanFirstCoveredEpoch.ShouldBe(5.5);
        Timeline(early: [true, false, false, true]).EarlyCoverage.ShouldBe(0.5);
        Timeline(early: [true, false, false], end: [true, true, false]).Drop.ShouldBe(1, "teacher 1 against teacher 3, early and end");
        Timeline(early: [true, false, false], end: [true, true, true]).Drop.ShouldBe(0.5, "the mean of the early and the end drop");
        Timeline(early: [true, true, false, false, false, true], end: [true, true, true, true, true, true]).Drop.ShouldBe(0.25, "m = 6: thirds of two teachers");
    }

    // ---- claim 5: strong teachers first ----

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

    // ---- claim 6: over-realization helps ----

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

    // ---- the L-shape: claim 4 run by run ----

    /// <summary>A run that went to the end of the paper's protocol (the L-shape's precondition).</summary>
    static readonly TrainingResult ProtocolEnd = new(TrainingOutcome.BudgetExhausted, Verify.Model.Rules.LShapePaperSteps, 100, 1e-3, 0.1, []);

    static TwoLayerRun WithAnalysis(TwoLayerRun run, double spareFanOut, TrainingResult? training = null)
    {
        var report = new Verify.Model.Analysis.SpecializationReport(1, new[,] { { 0.99, 0.1 } }, new double[1, 2], [1.0, spareFanOut], [1.0], new int[1, 2]);
        return run with { Analysis = new PairEvidence("run", report, new double[2, 1], [false, false], null, null, false, [true], 10, training ?? ProtocolEnd) };
    }

    /// <summary>Two teachers of fan-out 1 and 0.1, each matched by a student node (rho 0.99); spare node 2 matches teacher <paramref name="matched"/> best, at rho 0.5.</summary>
    static TwoLayerRun WithWeakTeacher(double spareFanOut, int matched)
    {
        var rho = new[,] { { 0.99, 0.2, matched == 0 ? 0.5 : 0.1 }, { 0.2, 0.99, matched == 1 ? 0.5 : 0.1 } };
        var report = new Verify.Model.Analysis.SpecializationReport(1, rho, new double[2, 3], [1.0, 0.1, spareFanOut], [1.0, 0.1], new int[2, 3]);
        return Run(multi: 2, m: 2) with { Analysis = new PairEvidence("run", report, new double[3, 2], [false, false, false], null, null, false, [true, true], 10, ProtocolEnd) };
    }

    [Test]
    public void LShape_HoldsANodeToTheFanOutOfTheTeacherItMatchesBest()
    {
        LShapeVerdict.NeitherShare(WithWeakTeacher(0.05, matched: 0)).ShouldBe(0, "0.05 is below 0.1 x the strong teacher's 1.0");
        LShapeVerdict.NeitherShare(WithWeakTeacher(0.05, matched: 1)).ShouldBe(1.0 / 3, "0.05 is above 0.1 x the weak teacher's 0.1");
        LShapeVerdict.NeitherShare(WithWeakTeacher(0.01, matched: 1)).ShouldBe(0, "0.01 is at 0.1 x 0.1: inclusive");
        var outcome = LShapeVerdict.Judge([WithWeakTeacher(0.05, matched: 1), WithWeakTeacher(0.03, matched: 1)]);
        outcome.Numbers.LargestNeitherFanOut.ShouldBe(0.05, "the largest fan-out of a node that is neither, over runs");
        outcome.Numbers.LargestNeitherRatio.ShouldBe(5, 1e-9, "0.05 over its level 0.01");
        outcome.Numbers.Fails.ShouldBe(2, "the tally's fields are the numbers' own");
        outcome.Evidence.ShouldContain("largest fan-out of such a node in an over-realized run 0.05");
        outcome.Numbers.LargestNeitherRun.ShouldBe(WithWeakTeacher(0.05, matched: 1).Config.ToString());
        outcome.Evidence.ShouldContain("vanished (||v|| <= 0.1 x the matched teacher's, 0.01 to 0.1)");
        outcome.Evidence.ShouldContain("largest such fan-out over its node's own vanishing level, over-realized runs: 5;");
        var withMulti1 = LShapeVerdict.Judge([WithWeakTeacher(0.05, matched: 1), WithAnalysis(Run(multi: 1, m: 1), spareFanOut: 0.9)]);
        withMulti1.Numbers.LargestNeitherFanOut.ShouldBe(0.05, "a run of multi 1 (no spare nodes) does not enter the largest fan-out");
        withMulti1.Numbers.LargestNeitherRatio.ShouldBe(5, 1e-9, "nor the largest ratio (its spare node has 0.9 over 0.1, ratio 9)");
        var clean = LShapeVerdict.Judge([WithWeakTeacher(0.01, matched: 1)]);
        (clean.Numbers.LargestNeitherFanOut, clean.Numbers.LargestNeitherRatio, clean.Numbers.LargestNeitherRun).ShouldBe((0.0, 0.0, null));
        clean.Evidence.ShouldContain("no over-realized run has such a node");
        VanishingCriteria.AtPaperBudget.MatchedTeacher.ShouldBeTrue();
        LShapeVerdict.Judge([WithWeakTeacher(0.05, matched: 1)], criteria: VanishingCriteria.AtPaperBudget with { MatchedTeacher = false }).Verdict
            .ShouldBe(Verdict.Holds, "against the strongest teacher's scale the same node counts as vanished");
    }

    [Test]
    public void LShape_JudgesEveryRunByClaim4AtThePaperBudget_AndFailsOnOneRun()
    {
        var vanished = WithAnalysis(Run(multi: 2, m: 1), spareFanOut: 0.1);
        var kept = WithAnalysis(Run(multi: 2, m: 1), spareFanOut: 0.5);
        LShapeVerdict.NeitherShare(vanished).ShouldBe(0, "fan-out 0.1 is within 0.1 x the teacher's 1.0");
        LShapeVerdict.NeitherShare(kept).ShouldBe(0.5);
        LShapeVerdict.Judge([vanished, vanished]).Verdict.ShouldBe(Verdict.Holds);
        var outcome = LShapeVerdict.Judge([vanished, kept]);
        outcome.Verdict.ShouldBe(Verdict.Fails, "one run with half its nodes left over refutes it");
        outcome.Claim.ShouldBe(VanishingClaim.LShape);
        outcome.Cases.ShouldBe(new CaseCounts(2, 1, 1, 0));
        LShapeVerdict.Cases([kept], VanishingClaim.LShapeLeaky).Single().Claim.ShouldBe(VanishingClaim.LShapeLeaky);
        LShapeVerdict.Judge([kept], criteria: VanishingCriteria.AtPaperBudget with { MaxNeitherShare = 0.5 }).Verdict.ShouldBe(Verdict.Holds, "the criteria are passed on");
        Should.Throw<ArgumentException>(() => LShapeVerdict.Judge([])).Message.ShouldContain("No runs");

        // The protocol's end: a run stopped before the paper's 100,000 steps is inconclusive, the tally says why, the numbers stay.
        var early = WithAnalysis(Run(multi: 2, m: 1), spareFanOut: 0.5, training: ProtocolEnd with { Steps = 10_000, EpochsRun = 10, MaxSampleGradient = 0.29 });
        var unfinished = LShapeVerdict.Judge([early, early]);
        unfinished.Verdict.ShouldBe(Verdict.Inconclusive, "a run short of the protocol is not a counterexample");
        unfinished.Reason.ShouldBe("precondition not reached: 2 of 2 runs stopped before the protocol's end (10000 to 10000 of 100000 steps, max per-sample gradient 0.29 to 0.29)");
        unfinished.Numbers.LargestNeitherFanOut.ShouldBe(0.5, "the figure's numbers are reported");
        LShapeVerdict.Judge([early], criteria: VanishingCriteria.AtPaperBudget with { MinSteps = 0 }).Verdict.ShouldBe(Verdict.Fails, "read without the precondition it would count");
        LShapeVerdict.Judge([early, kept]).Verdict.ShouldBe(Verdict.Fails, "a finished run that fails refutes it, whatever the unfinished ones");

        var leaky = Activation.LeakyRelu(0.1);
        var leakyRun = WithAnalysis(Run(multi: 2, m: 1, activation: leaky, end: [0.99]), spareFanOut: 0.1);
        SweepClaims.Leaky([leakyRun]).Select(o => (o.Claim.Id, o.Verdict)).ShouldBe([("lshape.leaky", Verdict.Holds), ("leaky-strong-teachers", Verdict.Holds)]);
        var twoLayer = SweepClaims.TwoLayer([vanished], [Run(multi: 1)], runSeed: 5);
        twoLayer.Select(o => o.Claim.Id).ShouldBe(["lshape", "strong-teachers-first", "strong-teachers-first.gradient", "over-realization-helps", "keeps-what-it-found"], "convergence is a table, not a claim");
        twoLayer[3].Reason.ShouldBe("hypothesis missed: no runs that differ only in multi");
        var paired = SweepClaims.TwoLayer([vanished], [Run(multi: 1), Run(multi: 2)], runSeed: 5);
        paired[3].Claim.ShouldBe(OverRealizationClaim.Info);
        paired[3].Reason.ShouldBe("non-tied series: 0 for early coverage, 0 for the first-covered epoch; 5 needed per sign test", "a paired series is judged");
        paired[1].NumbersObject.ShouldBeOfType<StrongFirstNumbers>().BootstrapSeed.ShouldBe(Verify.Model.Runtime.Seeds.Of(5, "bootstrap"), "the run seed names the bootstrap");
        paired[2].NumbersObject.ShouldBeOfType<StrongFirstByGradientNumbers>().BootstrapSeed.ShouldBe(Verify.Model.Runtime.Seeds.Of(5, "gradient-bootstrap"), "and the gradient reading's");
    }
    // ---- what each sweep verdict says, and its remaining rules ----

    [Test]
    public void SweepVerdicts_SayWhatTheyMeasured_AndReadTheirRules()
    {
        // Keeps: the worst group is the one with the smallest gain, not the smallest rates.
        var flat = Run(decay: 1, multi: 1, end: Covering(3, 0), early: Covering(3, 0), evalLoss: new double[8], earlyEpoch: 5);
        var losing = Run(decay: 2, multi: 2, end: Covering(3, 2), early: Covering(3, 3), evalLoss: new double[8], earlyEpoch: 5);
        var keeps = KeepsWhatItFoundClaim.Judge([flat, losing]);
        (keeps.Numbers.WorstDecay, keeps.Numbers.WorstMulti).ShouldBe((2.0, 2), "gain -1/3 at p 2, multi 2, though p 1, multi 1 has the lower rates");
        keeps.Evidence.ShouldContain("mean success rate after epoch 5:");
        var none = KeepsWhatItFoundClaim.Judge([]);
        (none.Evidence, none.ConclusionObserved).ShouldBe(("no runs.", false));

        // Teacher-aware data: the sentence names both kinds and every size; the gap's boundary is inclusive.
        var runs = new[]
        {
            Run(m: 5, nTrain: 10, data: TrainingData.TeacherAware, end: Covering(5, 3)), Run(m: 5, nTrain: 10, end: Covering(5, 2)),
            Run(m: 5, nTrain: 20, data: TrainingData.TeacherAware, end: Covering(5, 4)), Run(m: 5, nTrain: 20, end: Covering(5, 3)),
        };
        var aware = TeacherAwareDataClaim.Judge(runs);
        aware.Numbers.SmallNGap.ShouldBe(0.2, 1e-12);
        aware.Verdict.ShouldBe(Verdict.Holds, "a gap of exactly one teacher in five (0.6 - 0.4 in float64: 0.19999999999999996) is enough");
        var short1 = runs.Select((r, i) => i == 0 ? r with { BestCorrPerTeacher = [0.99, 0.99, 0.94, 0.5, 0.5] } : r).ToArray();
        TeacherAwareDataClaim.Judge(short1).Verdict.ShouldBe(Verdict.Fails, "one teacher less: gap 0");
        aware.Evidence.ShouldStartWith("mean coverage at tau 0.95 (teacher-aware vs Gaussian): N 10: 0.60 vs 0.40, N 20: 0.80 vs 0.60");
        var missing = TeacherAwareDataClaim.Judge(runs.Where(r => r.Config.TrainData == TrainingData.Gaussian).ToArray());
        (missing.Reason, missing.Evidence, missing.ConclusionObserved).ShouldBe(("hypothesis missed: needs runs of both kinds of data at the same sizes", "needs runs of both kinds of data at the same sizes.", false));
        var other = runs.Select(r => r.Config.TrainData == TrainingData.TeacherAware ? r with { Config = r.Config with { TrainData = TrainingData.TeacherAwareOfAnotherTeacher } } : r).ToArray();
        TeacherAwareDataClaim.Judge(other, TrainingData.TeacherAwareOfAnotherTeacher).Evidence.ShouldStartWith("mean coverage at tau 0.95 (TeacherAwareOfAnotherTeacher vs Gaussian): N 10:");
        var diverged = TeacherAwareDataClaim.Judge([.. runs[..3], runs[3] with { Outcome = TrainingOutcome.Diverged }]);
        diverged.Reason!.ShouldContain("diverged", Case.Insensitive, "an unusable run is named before the data kinds");

        // Multi-layer: one run has no spread; the ordering's boundary is inclusive; the sentence names each layer.
        var one = MultiLayerClaim.Judge([Deep([0.95, 0.97])]);
        one.Numbers.SdPerLayer.ShouldBe([0.0, 0.0], "one run has no spread");
        one.Verdict.ShouldBe(Verdict.Holds, "an upper layer exactly the slack above the lowest is allowed");
        one.Evidence.ShouldStartWith("mean over teacher nodes of the best eval correlation, per layer (lowest first; mean, sd and smallest over runs): layer 1: 0.950 (sd 0.000, min 0.950), layer 2: 0.970");
        var failed = MultiLayerClaim.Judge([Deep([0.95, 0.5], TrainingOutcome.Diverged)]);
        failed.ConclusionObserved.ShouldBe(false);
        failed.Evidence.ShouldBe(failed.Reason + ".");

        // Leaky strong teachers: any non-leaky run is refused; the sentence counts the runs.
        var leaky = Activation.LeakyRelu(0.1);
        Should.Throw<ArgumentException>(() => LeakyStrongTeachersClaim.Judge([Run(multi: 2, activation: leaky), Run(multi: 2)]));
        Should.Throw<ArgumentException>(() => LeakyStrongTeachersClaim.Judge([Run(multi: 2, activation: Activation.LeakyRelu(1))]), "slope 1 is linear, not leaky");
        var strong = LeakyStrongTeachersClaim.Judge([Run(m: 3, multi: 2, activation: leaky, end: Covering(3, 1))]);
        strong.Evidence.ShouldStartWith("1 of 1 over-realized runs cover every teacher of the strongest third; 1 seeds.");
        LeakyStrongTeachersClaim.Judge([Run(m: 3, multi: 2, activation: leaky, end: Covering(3, 1), outcome: TrainingOutcome.Diverged)]).Reason!.ShouldContain("diverged", Case.Insensitive);

        // Images: the mean over teacher nodes, then over runs; one multi is not enough; the sentence names the source.
        var images = ImagesOverRealizationClaim.Judge([Run(multi: 1, end: [0.2, 0.6, 0.4]), Run(multi: 1, end: [0.6, 0.6, 0.6]), Run(multi: 2, end: [0.9, 0.9, 0.9])], "cifar dir");
        images.Numbers.MeanBestCorrelation[0].Value.ShouldBe(0.5, 1e-12, "mean of 0.4 and 0.6");
        images.Evidence.ShouldBe("mean best eval correlation per teacher node: multi 1: 0.500, multi 2: 0.900; 1 seeds; inputs: cifar dir.");
        var single = ImagesOverRealizationClaim.Judge([Run(multi: 1, end: [0.2, 0.6, 0.4])], "x");
        (single.Verdict, single.ConclusionObserved).ShouldBe((Verdict.Inconclusive, false));
        ImagesOverRealizationClaim.Judge([Run(multi: 1), Run(multi: 2, outcome: TrainingOutcome.Diverged)], "x").Reason!.ShouldContain("diverged", Case.Insensitive);

        // The sweep's claims: no success runs leaves claims 5 and 6 unjudged, by name.
        var lshapeRun = WithAnalysis(Run(multi: 2, m: 1), spareFanOut: 0.1);
        var empty = SweepClaims.TwoLayer([lshapeRun], [], runSeed: 5);
        (empty[1].Verdict, empty[1].Reason).ShouldBe((Verdict.Inconclusive, "no runs"));
        (empty[2].Claim, empty[2].Verdict, empty[2].Reason).ShouldBe((StrongTeachersFirstByGradientClaim.Info, Verdict.Inconclusive, "no runs"));
        var oneWidth = SweepClaims.TwoLayer([lshapeRun], [Run(multi: 1, seed: 1), Run(multi: 1, seed: 2)], runSeed: 5);
        oneWidth[3].Reason.ShouldBe("hypothesis missed: no runs that differ only in multi", "two seeds of one width are no series");

        // L-shape: shares per multi in increasing multi; a run of multi 1 is never the worst run.
        var lshape = LShapeVerdict.Judge([WithWeakTeacher(0.05, matched: 1) with { Config = WithWeakTeacher(0.05, matched: 1).Config with { Multi = 4 } }, WithWeakTeacher(0.01, matched: 1)]);
        lshape.Evidence.ShouldStartWith("mean share of nodes that are neither specialized nor vanished: multi 2: 0.0 %, multi 4: 33.3 %;");
        LShapeVerdict.NeitherShare(WithWeakTeacher(0.05, matched: 0)).ShouldBe(0, "read at the paper's budget by default");
    }
}
