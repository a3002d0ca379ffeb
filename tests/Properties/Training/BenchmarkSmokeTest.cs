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
        ];
        rates.ShouldAllBe(r => double.IsFinite(r) && r > 0, $"rates {string.Join(", ", rates)}");
        DisposeScopeManager.Statistics.ThreadTotalLiveCount.ShouldBe(before);
    }

    [Test]
    public void TheFlopCountOfAStep_MatchesTheIssuesEstimate()
    {
        // Issue 5: "one such step is about 0.5 MFLOP" at d = 100, n = 50, 50 outputs, batch 16.
        BenchConfig.Paper.FlopsPerStep.ShouldBeInRange(0.5e6, 0.6e6);
    }
}
