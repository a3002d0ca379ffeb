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
        // The evaluations themselves are timed (no longer a difference of two runs, which came out
        // negative): a positive time, at any size and load.
        double[] evaluations =
        [
            TrainingBenchmark.EpochEvaluationMilliseconds(epochs: 2, repeats: 1, nTrain: 200, nEval: 200),
            TrainingBenchmark.EpochEvaluationMilliseconds(epochs: 2, repeats: 1, nTrain: 200, nEval: 200, alone: true),
        ];
        evaluations.ShouldAllBe(ms => double.IsFinite(ms) && ms > 0, $"evaluation ms {string.Join(", ", evaluations)}");
        var deep = DeepCaseCost.Measure(2);
        deep.Cases.ShouldBe(2);
        deep.ConclusiveFraction.ShouldBeInRange(0, 1);
        (deep.Conclusive == 0 ? double.IsNaN(deep.SecondsPerConclusiveCase) : deep.SecondsPerConclusiveCase > 0).ShouldBeTrue(deep.ToString());
        deep.SecondsPerCase.ShouldBeGreaterThan(0);
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

    /// <summary>
    /// A figure that cannot be a measurement (negative, as `epoch_evaluation_ms` once came out at
    /// -2.08, or infinite) stops the report, named; the same report with the figure positive, or not
    /// measured (NaN), passes.
    /// </summary>
    [Test]
    public void AReportWithANegativeOrInfiniteFigure_IsRefused_NamingIt()
    {
        var report = Report();
        report.Validated().ShouldBeSameAs(report);
        var negative = Should.Throw<InvalidOperationException>(() => (report with { EpochEvaluationMs = -2.08 }).Validated());
        negative.Message.ShouldContain("epoch_evaluation_ms = -2.08");
        Should.Throw<InvalidOperationException>(() => (report with { SingleTrialStepsPerSecond = double.PositiveInfinity }).Validated())
            .Message.ShouldContain("single_trial_steps_per_second");
        Should.Throw<InvalidOperationException>(() => (report with { LiveTensorsAfter = -1 }).Validated());
    }

    /// <summary>
    /// The bound printed beside the ratio targets: trial-steps at the 1-thread GEMM ceiling over the single
    /// trial's rate. A single trial at 40 % of the ceiling leaves a stack 2.5x at most; one at 60 %, 1.67x,
    /// below the paper size's 2x target.
    /// </summary>
    [Test]
    public void TheCeilingRatio_IsTheGemmCeilingOverTheSingleTrialsShareOfIt()
    {
        var report = Report();
        double AtShare(double share) => report.GemmGflops * 1e9 * share / report.FlopsPerStep;
        (report with { SingleTrialStepsPerSecond = AtShare(0.4) }).CeilingVsSingle.ShouldBe(2.5, 1e-12);
        (report with { SingleTrialStepsPerSecond = AtShare(0.6) }).CeilingVsSingle.ShouldBe(1 / 0.6, 1e-12);
        (report with { SmallSingleTrialStepsPerSecond = report.GemmGflops * 1e9 * 0.2 / BenchConfig.Small.FlopsPerStep }).SmallCeilingVsSingle.ShouldBe(5.0, 1e-12);
    }

    static BenchReport Report() =>
        new BenchReport
        {
            Machine = "test", Processors = 2, TorchSharpVersion = "0", MeasuredUtc = DateTime.UnixEpoch,
            ReferencePytorchStepsPerSecond = 4000, ReferenceMeasured = false, ReferenceSource = "cited", FlopsPerStep = 5.7e5,
            SingleTrialStepsPerSecond = 20_000, BatchedTrials = 32, BatchedTrialStepsPerSecond = 23_000,
            SmallSingleTrialStepsPerSecond = 43_000, SmallBatchedTrialStepsPerSecond = 140_000, SweepWorkers = 2,
            SweepTrialStepsPerSecond = 37_000, SweepBatchedTrialStepsPerSecond = 47_000,
            ReferencePytorchCpuStepsPerSecond = double.NaN, SingleTrialCpuStepsPerSecond = 20_000, BatchedTrialCpuStepsPerSecond = 23_000,
            SmallSingleTrialCpuStepsPerSecond = 43_000, SmallBatchedTrialCpuStepsPerSecond = 140_000,
            LoadAverageBefore = 0.6, LoadAverageAfter = 1.2, AchievedGflops = 13, SingleTrialGflops = 11, GemmGflops = 45, GemmGflopsAllCores = 73,
            EpochMeasureMsOneThread = 12, EpochMeasureMsAllCores = 12, EpochEvaluationMs = 4.5,
            PeakWorkingSetMb = 1000, BaselineWorkingSetMb = 150, LiveTensorsBefore = 0, LiveTensorsAfter = 0,
        };

    [Test]
    public void TheFlopCountOfAStep_MatchesTheIssuesEstimate()
    {
        // Issue 5: "one such step is about 0.5 MFLOP" at d = 100, n = 50, 50 outputs, batch 16.
        BenchConfig.Paper.FlopsPerStep.ShouldBeInRange(0.5e6, 0.6e6);
    }
}
