using NUnit.Framework;
using Shouldly;
using TorchSharp;
using Verify.Model.Benchmarks;

namespace Verify.Properties.Training;

/// <summary>
/// The benchmark's measurements run and clean up after themselves (a few hundred steps each; no
/// speed is asserted: speed goals are read from `verify bench`, never from a timed test).
/// </summary>
[TestFixture]
public sealed class BenchmarkSmokeTest
{
    [Test]
    public void EveryMeasurement_GivesAPositiveRate_AndLeavesNoTensorBehind()
    {
        var config = BenchConfig.Small;
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        double[] rates =
        [
            TrainingBenchmark.SingleTrialStepsPerSecond(config, 200, repeats: 1),
            TrainingBenchmark.BatchedTrialStepsPerSecond(config, 4, 100, repeats: 1),
            TrainingBenchmark.SweepTrialStepsPerSecond(config, 2, 200, repeats: 1),
            TrainingBenchmark.SweepBatchedTrialStepsPerSecond(config, 2, 3, 100, repeats: 1),
            TrainingBenchmark.GemmGflops(64, 1, repeats: 1),
            TrainingBenchmark.Trials(config, 4, 100, repeats: 1, sharedInputs: true).Wall,
            TrainingBenchmark.SeedGroupTrials(64, repeats: 1).Wall,
            TrainingBenchmark.SeedGroupTrials(64, repeats: 1, shared: false).Wall,
            TrainingBenchmark.SweepSeedGroupTrialStepsPerSecond(2, 64),
        ];
        rates.ShouldAllBe(r => double.IsFinite(r) && r > 0, $"rates {string.Join(", ", rates)}");
        // A difference of two timings: finite, but at this tiny size any sign under load.
        double.IsFinite(TrainingBenchmark.EpochEvaluationMilliseconds(epochs: 2, repeats: 1, nTrain: 200, nEval: 200)).ShouldBeTrue();
        double.IsFinite(TrainingBenchmark.EpochEvaluationMilliseconds(epochs: 2, repeats: 1, nTrain: 200, nEval: 200, alone: true)).ShouldBeTrue();
        DisposeScopeManager.Statistics.ThreadTotalLiveCount.ShouldBe(before);
    }

    /// <summary>
    /// The authors' step is measured through Python when torch is installed, and otherwise the cited
    /// figure comes back marked as cited, with a message that says what to install.
    /// </summary>
    [Test]
    public void TheReferenceStep_IsMeasuredOrCitedAsSuch()
    {
        var figure = ReferenceStep.Measure(multi: 1, steps: 200);
        if (figure.Measured)
        {
            figure.StepsPerSecond.ShouldBeGreaterThan(0);
            figure.Source.ShouldContain("torch");
        }
        else
        {
            figure.StepsPerSecond.ShouldBe(ReferenceStep.CitedStepsPerSecond);
            figure.Source.ShouldContain("python3-torch");
        }
        TestContext.Out.WriteLine($"reference step: {figure}");
    }

    [Test]
    public void TheFlopCountOfAStep_MatchesTheIssuesEstimate()
    {
        // Issue 5: "one such step is about 0.5 MFLOP" at d = 100, n = 50, 50 outputs, batch 16.
        BenchConfig.Paper.FlopsPerStep.ShouldBeInRange(0.5e6, 0.6e6);
    }
}
