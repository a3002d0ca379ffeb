using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp;
using Verify.Model.Training;

namespace Verify.Model.Benchmarks;

/// <summary>The figures `verify bench` prints and writes as JSON (snake_case names).</summary>
public sealed record BenchReport
{
    /// <summary>The paper's PyTorch 1.13 procedure on this machine class, 1 thread (docs/performance.md); cited, not measured by this program.</summary>
    public const double ReferencePyTorchStepsPerSecond = 7_000;

    public required string Machine { get; init; }
    public required int Processors { get; init; }
    [JsonPropertyName("torchsharp_version")]
    public required string TorchSharpVersion { get; init; }
    public required DateTime MeasuredUtc { get; init; }
    public required double ReferencePytorchStepsPerSecond { get; init; }
    public required double FlopsPerStep { get; init; }
    public required double PlainLoopStepsPerSecond { get; init; }
    public required double SingleTrialStepsPerSecond { get; init; }
    public required double SingleTrialStepsPerSecondWithoutLossCheck { get; init; }
    public required int BatchedTrials { get; init; }
    public required double BatchedTrialStepsPerSecond { get; init; }
    public required double SmallSingleTrialStepsPerSecond { get; init; }
    public required double SmallBatchedTrialStepsPerSecond { get; init; }
    public required int SweepWorkers { get; init; }
    public required double SweepTrialStepsPerSecond { get; init; }
    public required double SweepBatchedTrialStepsPerSecond { get; init; }
    public required double AchievedGflops { get; init; }
    public required double SingleTrialGflops { get; init; }
    public required double GemmGflops { get; init; }
    public required double GemmGflopsAllCores { get; init; }
    public required double EpochMeasureMsOneThread { get; init; }
    public required double EpochMeasureMsAllCores { get; init; }
    public required double PeakWorkingSetMb { get; init; }

    /// <summary>The working set once libtorch is loaded, before any measurement: the part of the peak that is the library itself.</summary>
    public required double BaselineWorkingSetMb { get; init; }
    public required long LiveTensorsBefore { get; init; }
    public required long LiveTensorsAfter { get; init; }

    /// <summary>The targets of issue 5 as ratios, measured (the reference is cited).</summary>
    public double SingleVsReference => SingleTrialStepsPerSecond / ReferencePytorchStepsPerSecond;
    public double BatchedVsSingle => BatchedTrialStepsPerSecond / SingleTrialStepsPerSecond;
    public double SmallBatchedVsSingle => SmallBatchedTrialStepsPerSecond / SmallSingleTrialStepsPerSecond;
    public double SweepVsSingle => SweepTrialStepsPerSecond / SingleTrialStepsPerSecond;

    static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Runs every measurement; <paramref name="scale"/> multiplies the step counts (1 = the documented run, about a minute).</summary>
    public static BenchReport Measure(double scale = 1.0, int repeats = 3, Action<string>? progress = null)
    {
        if (!double.IsFinite(scale) || scale <= 0) throw new ArgumentOutOfRangeException(nameof(scale), scale, $"Scale must be > 0; got {scale}.");
        Runtime.TorchRuntime.EnsureInitialized();
        double baseline;
        using (var self = Process.GetCurrentProcess()) baseline = self.WorkingSet64 / 1048576.0;
        var liveBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        int Steps(int n) => Math.Max(BatchSampler.ChunkSteps, (int)(n * scale));
        var paper = BenchConfig.Paper;
        var small = BenchConfig.Small;
        const int trials = 32;
        var workers = TrialRunner.DefaultWorkers;

        T Step<T>(string what, Func<T> measure)
        {
            progress?.Invoke(what);
            return measure();
        }

        var plain = Step("plain loop (paper)", () => TrainingBenchmark.PlainLoopStepsPerSecond(paper, Steps(20_000), repeats));
        var single = Step("single trial (paper)", () => TrainingBenchmark.SingleTrialStepsPerSecond(paper, Steps(30_000), repeats));
        var noCheck = Step("single trial without the loss check (paper)", () => TrainingBenchmark.SingleTrialStepsPerSecond(paper, Steps(30_000), repeats, withLoss: false));
        var batched = Step($"batched, {trials} trials (paper)", () => TrainingBenchmark.BatchedTrialStepsPerSecond(paper, trials, Steps(1_500), repeats));
        var smallSingle = Step("single trial (small)", () => TrainingBenchmark.SingleTrialStepsPerSecond(small, Steps(60_000), repeats));
        var smallBatched = Step($"batched, {trials} trials (small)", () => TrainingBenchmark.BatchedTrialStepsPerSecond(small, trials, Steps(6_000), repeats));
        var sweep = Step($"sweep of single trials on {workers} workers (paper)", () => TrainingBenchmark.SweepTrialStepsPerSecond(paper, workers, Steps(30_000), repeats));
        var sweepBatched = Step($"sweep of batches on {workers} workers (paper)", () => TrainingBenchmark.SweepBatchedTrialStepsPerSecond(paper, workers, trials, Steps(1_500), Math.Min(repeats, 2)));
        var gemm1 = Step("float64 matrix product, 1 thread", () => TrainingBenchmark.GemmGflops(1024, 1, repeats));
        var gemmAll = Step($"float64 matrix product, {workers} threads", () => TrainingBenchmark.GemmGflops(1024, workers, repeats));
        var measure1 = Step("epoch-end measurement, N = 10,000, 1 thread", () => TrainingBenchmark.MeasureMilliseconds(paper, 10_000, 1, repeats));
        var measureAll = Step($"epoch-end measurement, N = 10,000, {workers} threads", () => TrainingBenchmark.MeasureMilliseconds(paper, 10_000, workers, repeats));
        GC.Collect();
        GC.WaitForPendingFinalizers();

        using var process = Process.GetCurrentProcess();
        return new BenchReport
        {
            Machine = CpuModel(),
            Processors = Environment.ProcessorCount,
            TorchSharpVersion = typeof(torch).Assembly.GetName().Version?.ToString() ?? "unknown",
            MeasuredUtc = DateTime.UtcNow,
            ReferencePytorchStepsPerSecond = ReferencePyTorchStepsPerSecond,
            FlopsPerStep = paper.FlopsPerStep,
            PlainLoopStepsPerSecond = plain,
            SingleTrialStepsPerSecond = single,
            SingleTrialStepsPerSecondWithoutLossCheck = noCheck,
            BatchedTrials = trials,
            BatchedTrialStepsPerSecond = batched,
            SmallSingleTrialStepsPerSecond = smallSingle,
            SmallBatchedTrialStepsPerSecond = smallBatched,
            SweepWorkers = workers,
            SweepTrialStepsPerSecond = sweep,
            SweepBatchedTrialStepsPerSecond = sweepBatched,
            AchievedGflops = batched * paper.FlopsPerStep / 1e9,
            SingleTrialGflops = single * paper.FlopsPerStep / 1e9,
            GemmGflops = gemm1,
            GemmGflopsAllCores = gemmAll,
            EpochMeasureMsOneThread = measure1,
            EpochMeasureMsAllCores = measureAll,
            PeakWorkingSetMb = process.PeakWorkingSet64 / 1048576.0,
            BaselineWorkingSetMb = baseline,
            LiveTensorsBefore = liveBefore,
            LiveTensorsAfter = DisposeScopeManager.Statistics.ThreadTotalLiveCount,
        };
    }

    static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line is not null) return line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return System.Runtime.InteropServices.RuntimeInformation.OSDescription;
    }
}
