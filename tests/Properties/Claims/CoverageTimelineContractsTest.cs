using NUnit.Framework;
using Shouldly;
using Verify.Model.Claims;
using Verify.Model.Evidence;
using static Verify.Properties.Claims.ExperimentRuns;

namespace Verify.Properties.Claims;

/// <summary>The evidence the sweeps hand to claims 5 and 6: each run's coverage timeline, its series, and the drop read in thirds.</summary>
[TestFixture]
public sealed class CoverageTimelineContractsTest
{
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
}
