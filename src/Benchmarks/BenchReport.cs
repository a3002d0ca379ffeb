using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp;
using Verify.Model.Training;

using Verify.Model;
namespace Verify.Benchmarks;

/// <summary>The figures `verify bench` prints and writes as JSON (snake_case names).</summary>
public sealed record BenchReport
{
    public required string Machine { get; init; }
    public required int Processors { get; init; }
    [JsonPropertyName("torchsharp_version")]
    public required string TorchSharpVersion { get; init; }
    public required DateTime MeasuredUtc { get; init; }

    /// <summary>How MKL chose its GEMM kernels in the measuring process (<see cref="Model.Runtime.TorchRuntime.MklDispatch"/>): the figures depend on it.</summary>
    public string MklDispatch { get; init; } = "";

    /// <summary>How the stacked kernels did their batched products (<see cref="Model.Runtime.TorchRuntime.BatchedProducts"/>): the batched figures depend on it.</summary>
    public string BatchedProducts { get; init; } = "";

    /// <summary>The authors' step on PyTorch, measured in this run through Python when torch is installed (see <see cref="ReferenceMeasured"/>), else cited.</summary>
    public required double ReferencePytorchStepsPerSecond { get; init; }

    /// <summary>True when <see cref="ReferencePytorchStepsPerSecond"/> was measured in this run; false when it is the cited figure.</summary>
    public required bool ReferenceMeasured { get; init; }

    /// <summary>Where the reference figure comes from: the interpreter and torch version, or why it is cited.</summary>
    public required string ReferenceSource { get; init; }
    public required double FlopsPerStep { get; init; }

    /// <summary>Retired (always null): the benchmark's own one-operation-at-a-time loop was a second step implementation; the authors' step (<see cref="ReferencePytorchStepsPerSecond"/>) is the yardstick now.</summary>
    public double? PlainLoopStepsPerSecond { get; init; }
    public required double SingleTrialStepsPerSecond { get; init; }

    /// <summary>Retired (always null): the one trainer always checks each step's loss (the divergence stop rule); there is no step without it to time.</summary>
    public double? SingleTrialStepsPerSecondWithoutLossCheck { get; init; }
    public required int BatchedTrials { get; init; }
    public required double BatchedTrialStepsPerSecond { get; init; }
    public required double SmallSingleTrialStepsPerSecond { get; init; }
    public required double SmallBatchedTrialStepsPerSecond { get; init; }
    public required int SweepWorkers { get; init; }
    public required double SweepTrialStepsPerSecond { get; init; }
    public required double SweepBatchedTrialStepsPerSecond { get; init; }

    /// <summary>
    /// The single-threaded figures per CPU second of the timing thread (the reference: of the Python
    /// process) instead of per wall-clock second: on a shared machine these move much less with the
    /// load (time spent waiting for a core is not counted). NaN where the clock is not available.
    /// </summary>
    public required double ReferencePytorchCpuStepsPerSecond { get; init; }
    public required double SingleTrialCpuStepsPerSecond { get; init; }
    public required double BatchedTrialCpuStepsPerSecond { get; init; }
    public required double SmallSingleTrialCpuStepsPerSecond { get; init; }
    public required double SmallBatchedTrialCpuStepsPerSecond { get; init; }

    /// <summary>Load average (1 minute) when the measurement started and ended: how much else the machine was doing.</summary>
    public required double LoadAverageBefore { get; init; }
    public required double LoadAverageAfter { get; init; }
    public required double AchievedGflops { get; init; }
    public required double SingleTrialGflops { get; init; }
    public required double GemmGflops { get; init; }
    public required double GemmGflopsAllCores { get; init; }
    public required double EpochMeasureMsOneThread { get; init; }
    public required double EpochMeasureMsAllCores { get; init; }

    /// <summary>Per-epoch time per run of a paper-size sweep seed outside its steps, evaluated together as the sweep does (evaluation on 10,000 eval points: loss, correlations, coverage), one thread, CPU ms; see <see cref="TrainingBenchmark.EpochEvaluationMilliseconds"/>.</summary>
    public required double EpochEvaluationMs { get; init; }

    /// <summary>The same per-epoch evaluation for one run evaluated alone (multi 5), the way every run was evaluated before the runs of a seed were evaluated together.</summary>
    public double EpochEvaluationMsAlone { get; init; } = double.NaN;

    /// <summary>32 paper-size trials that share their inputs and batch seed (students differ), as the runs of one sweep seed do: one wide first-layer product.</summary>
    public double SharedBatchedTrialStepsPerSecond { get; init; } = double.NaN;
    public double SharedBatchedTrialCpuStepsPerSecond { get; init; } = double.NaN;

    /// <summary>The same at the small size.</summary>
    public double SmallSharedBatchedTrialStepsPerSecond { get; init; } = double.NaN;
    public double SmallSharedBatchedTrialCpuStepsPerSecond { get; init; } = double.NaN;

    /// <summary>The 12 runs of one paper-size sweep seed (multi 1, 2, 5, 10 x p 0, 1, 2) trained together as the sweep trains them (<see cref="TrainingBenchmark.SeedGroupTrials"/>), one thread.</summary>
    public double SeedGroupTrialStepsPerSecond { get; init; } = double.NaN;
    public double SeedGroupTrialCpuStepsPerSecond { get; init; } = double.NaN;

    /// <summary>The same 12 trials with 12 batch seeds, stacked by shape (the layout before the sweep shared its randomness).</summary>
    public double SeedGroupSeparateTrialStepsPerSecond { get; init; } = double.NaN;
    public double SeedGroupSeparateTrialCpuStepsPerSecond { get; init; } = double.NaN;

    /// <summary>Average floating-point operations of one trial-step of the seed group.</summary>
    public double SeedGroupFlopsPerTrialStep { get; init; } = double.NaN;

    /// <summary>One seed group per worker on every core, timed together: a sweep's training (trial-steps per second, summed).</summary>
    public double SweepSeedGroupTrialStepsPerSecond { get; init; } = double.NaN;
    /// <summary>Three-layer cases of claim 1 drawn to time the deep cost (<see cref="DeepCaseCost"/>).</summary>
    public int DeepCases { get; init; }

    /// <summary>Of those, the share that reached <see cref="Rules.DeepGradient"/> on every layer (conclusive).</summary>
    public double DeepConclusiveFraction { get; init; } = double.NaN;

    /// <summary>Wall seconds on one thread per conclusive deep case (training, finish, judge): a deep claim's 16 cost 16 of these.</summary>
    public double DeepSecondsPerConclusiveCase { get; init; } = double.NaN;

    /// <summary>Wall seconds on one thread per deep case drawn.</summary>
    public double DeepSecondsPerCase { get; init; } = double.NaN;
    public required double PeakWorkingSetMb { get; init; }

    /// <summary>The working set once libtorch is loaded, before any measurement: the part of the peak that is the library itself.</summary>
    public required double BaselineWorkingSetMb { get; init; }
    public required long LiveTensorsBefore { get; init; }
    public required long LiveTensorsAfter { get; init; }

    /// <summary>The targets as ratios within this run (the reference measured or cited, see <see cref="ReferenceMeasured"/>).</summary>
    public double SingleVsReference => SingleTrialStepsPerSecond / ReferencePytorchStepsPerSecond;
    public double BatchedVsSingle => BatchedTrialStepsPerSecond / SingleTrialStepsPerSecond;
    public double SmallBatchedVsSingle => SmallBatchedTrialStepsPerSecond / SmallSingleTrialStepsPerSecond;
    public double SweepVsSingle => SweepTrialStepsPerSecond / SingleTrialStepsPerSecond;
    public double SingleVsReferenceCpu => SingleTrialCpuStepsPerSecond / ReferencePytorchCpuStepsPerSecond;
    public double BatchedVsSingleCpu => BatchedTrialCpuStepsPerSecond / SingleTrialCpuStepsPerSecond;
    public double SmallBatchedVsSingleCpu => SmallBatchedTrialCpuStepsPerSecond / SmallSingleTrialCpuStepsPerSecond;
    public double SharedBatchedVsSingle => SharedBatchedTrialStepsPerSecond / SingleTrialStepsPerSecond;
    public double SharedBatchedVsSingleCpu => SharedBatchedTrialCpuStepsPerSecond / SingleTrialCpuStepsPerSecond;
    public double SmallSharedBatchedVsSingle => SmallSharedBatchedTrialStepsPerSecond / SmallSingleTrialStepsPerSecond;
    public double SmallSharedBatchedVsSingleCpu => SmallSharedBatchedTrialCpuStepsPerSecond / SmallSingleTrialCpuStepsPerSecond;
    /// <summary>
    /// The most any stack of trials could be over the single trial as measured, on one thread: every
    /// trial-step at the 1-thread GEMM ceiling (<see cref="GemmGflops"/>). Where it is below a ratio's
    /// target, no batching reaches that target on this core; the single trial's own share of the
    /// ceiling is <see cref="SingleTrialGflops"/> / <see cref="GemmGflops"/>.
    /// </summary>
    public double CeilingVsSingle => GemmGflops * 1e9 / FlopsPerStep / SingleTrialStepsPerSecond;
    public double SmallCeilingVsSingle => GemmGflops * 1e9 / BenchConfig.Small.FlopsPerStep / SmallSingleTrialStepsPerSecond;
    public double SeedGroupVsSeparate => SeedGroupTrialStepsPerSecond / SeedGroupSeparateTrialStepsPerSecond;
    public double SeedGroupVsSeparateCpu => SeedGroupTrialCpuStepsPerSecond / SeedGroupSeparateTrialCpuStepsPerSecond;

    /// <summary>GFLOP/s of the seed group on one thread, per wall and per CPU second.</summary>
    public double SeedGroupGflops => SeedGroupTrialStepsPerSecond * SeedGroupFlopsPerTrialStep / 1e9;
    public double SeedGroupCpuGflops => SeedGroupTrialCpuStepsPerSecond * SeedGroupFlopsPerTrialStep / 1e9;

    /// <summary>GFLOP/s of a sweep's training on every core, and its share of the all-core GEMM ceiling (target 0.4).</summary>
    public double SweepGflops => SweepSeedGroupTrialStepsPerSecond * SeedGroupFlopsPerTrialStep / 1e9;
    public double SweepShareOfGemmCeiling => SweepGflops / GemmGflopsAllCores;
    public double SeedGroupCpuShareOfGemm => SeedGroupCpuGflops / GemmGflops;

    static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>
    /// Every figure is a rate, a time, a size, a count or a load: none can be negative or infinite.
    /// A figure that is (as `epoch_evaluation_ms` once came out at -2.08) is a bug in the benchmark,
    /// and is never printed as a measurement: this throws, naming it. NaN stays allowed: a figure not
    /// measured in this run (printed as such).
    /// </summary>
    public BenchReport Validated()
    {
        var wrong = typeof(BenchReport).GetProperties()
            .Where(p => p.PropertyType == typeof(double) || p.PropertyType == typeof(double?) || p.PropertyType == typeof(int) || p.PropertyType == typeof(long))
            .Select(p => (p.Name, Value: Convert.ToDouble(p.GetValue(this) ?? double.NaN, System.Globalization.CultureInfo.InvariantCulture)))
            .Where(f => !double.IsNaN(f.Value) && (f.Value < 0 || double.IsInfinity(f.Value)))
            .ToArray();
        if (wrong.Length > 0)
            throw new InvalidOperationException("The benchmark produced figures that cannot be measurements (a bug in the benchmark, not a result): "
                + string.Join(", ", wrong.Select(f => FormattableString.Invariant($"{Json.PropertyNamingPolicy!.ConvertName(f.Name)} = {f.Value}"))));
        return this;
    }

    /// <summary>
    /// Steps of each trial in the paper-size figures that are compared with one another (single,
    /// batched, sharing inputs, the sweep's workers): one epoch each, so every trial carries one
    /// end-of-epoch measurement per 7,500 steps whether it trains alone or in a stack of 32.
    /// </summary>
    public const int PaperStepsPerTrial = 7_500;

    /// <summary>The same for the small configuration's figures.</summary>
    public const int SmallStepsPerTrial = 15_000;

    /// <summary>Runs every measurement <paramref name="repeats"/> times, in rounds, keeping the best; <paramref name="scale"/> multiplies the step counts (1 = the documented run, about two minutes).</summary>
    public static BenchReport Measure(double scale = 1.0, int repeats = 3, Action<string>? progress = null)
    {
        if (!double.IsFinite(scale) || scale <= 0) throw new ArgumentOutOfRangeException(nameof(scale), scale, $"Scale must be > 0; got {scale}.");
        Model.Runtime.TorchRuntime.EnsureInitialized();
        double baseline;
        using (var self = Process.GetCurrentProcess()) baseline = self.WorkingSet64 / 1048576.0;
        var liveBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var loadBefore = LoadAverage();
        int Steps(int n) => Math.Max(BatchSampler.ChunkSteps, (int)(n * scale));
        var paper = BenchConfig.Paper;
        var small = BenchConfig.Small;
        const int trials = 32;
        var workers = TrialRunner.DefaultWorkers;

        // Rounds, each measuring every figure once: a burst of load on a shared machine then hits
        // the figures of a round alike, so the ratios of the best figures are fairer than if each
        // figure were repeated back to back.
        var best = new Dictionary<string, double>();
        void Keep(string key, double value, bool lowerIsBetter = false) =>
            best[key] = !best.TryGetValue(key, out var b) ? value : lowerIsBetter ? Math.Min(b, value) : Math.Max(b, value);
        ReferenceFigure? reference = null;
        for (var round = 1; round <= repeats; round++)
        {
            progress?.Invoke($"round {round} of {repeats}");
            var measuredReference = ReferenceStep.Measure(paper.Multi, Steps(20_000));
            if (reference is null || measuredReference.StepsPerSecond > reference.StepsPerSecond) reference = measuredReference;
            if (double.IsFinite(measuredReference.CpuStepsPerSecond)) Keep("referenceCpu", measuredReference.CpuStepsPerSecond);
            void KeepRate(string key, StepRate rate)
            {
                Keep(key, rate.Wall);
                Keep(key + "Cpu", rate.Cpu);
            }
            // Every trial of a comparison runs the same steps in one epoch, with its one end-of-epoch
            // measurement, alone or in a stack: the ratios compare equal work per trial.
            KeepRate("single", TrainingBenchmark.Trials(paper, 1, Steps(PaperStepsPerTrial), 1));
            KeepRate("batched", TrainingBenchmark.Trials(paper, trials, Steps(PaperStepsPerTrial), 1));
            KeepRate("smallSingle", TrainingBenchmark.Trials(small, 1, Steps(SmallStepsPerTrial), 1));
            KeepRate("smallBatched", TrainingBenchmark.Trials(small, trials, Steps(SmallStepsPerTrial), 1));
            KeepRate("shared", TrainingBenchmark.Trials(paper, trials, Steps(PaperStepsPerTrial), 1, sharedInputs: true));
            KeepRate("smallShared", TrainingBenchmark.Trials(small, trials, Steps(SmallStepsPerTrial), 1, sharedInputs: true));
            KeepRate("seedGroup", TrainingBenchmark.SeedGroupTrials(Steps(3_000), 1));
            KeepRate("seedGroupSeparate", TrainingBenchmark.SeedGroupTrials(Steps(3_000), 1, shared: false));
            Keep("sweepSeedGroup", TrainingBenchmark.SweepSeedGroupTrialStepsPerSecond(workers, Steps(2_000)));
            Keep("sweep", TrainingBenchmark.SweepTrialStepsPerSecond(paper, workers, Steps(PaperStepsPerTrial), 1));
            Keep("sweepBatched", TrainingBenchmark.SweepBatchedTrialStepsPerSecond(paper, workers, trials, Steps(1_000), 1));
            Keep("gemm1", TrainingBenchmark.GemmGflops(1024, 1, 1));
            Keep("gemmAll", TrainingBenchmark.GemmGflops(1024, workers, 1));
            Keep("measure1", TrainingBenchmark.MeasureMilliseconds(paper, 10_000, 1), lowerIsBetter: true);
            Keep("measureAll", TrainingBenchmark.MeasureMilliseconds(paper, 10_000, workers), lowerIsBetter: true);
            Keep("evaluation", TrainingBenchmark.EpochEvaluationMilliseconds(Math.Max(2, (int)(10 * Math.Min(scale, 1))), 1), lowerIsBetter: true);
            Keep("evaluationAlone", TrainingBenchmark.EpochEvaluationMilliseconds(Math.Max(2, (int)(10 * Math.Min(scale, 1))), 1, alone: true), lowerIsBetter: true);
        }
        progress?.Invoke("deep cases of claim 1");
        var deep = DeepCaseCost.Measure(Math.Max(4, (int)Math.Round(16 * Math.Min(scale, 4))));
        var (single, batched) = (best["single"], best["batched"]);
        var (smallSingle, smallBatched, sweep, sweepBatched) = (best["smallSingle"], best["smallBatched"], best["sweep"], best["sweepBatched"]);
        var (gemm1, gemmAll, measure1, measureAll) = (best["gemm1"], best["gemmAll"], best["measure1"], best["measureAll"]);
        GC.Collect();
        GC.WaitForPendingFinalizers();

        using var process = Process.GetCurrentProcess();
        return new BenchReport
        {
            Machine = Verify.Model.Runtime.Provenance.ReadCpuModel(),
            Processors = Environment.ProcessorCount,
            TorchSharpVersion = typeof(torch).Assembly.GetName().Version?.ToString() ?? "unknown",
            MeasuredUtc = DateTime.UtcNow,
            MklDispatch = Model.Runtime.TorchRuntime.MklDispatch,
            BatchedProducts = Model.Runtime.TorchRuntime.BatchedProducts,
            ReferencePytorchStepsPerSecond = reference!.StepsPerSecond,
            ReferenceMeasured = reference.Measured,
            ReferenceSource = reference.Source,
            FlopsPerStep = paper.FlopsPerStep,
            SingleTrialStepsPerSecond = single,
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
            EpochEvaluationMs = best["evaluation"],
            EpochEvaluationMsAlone = best["evaluationAlone"],
            SharedBatchedTrialStepsPerSecond = best["shared"],
            SharedBatchedTrialCpuStepsPerSecond = best["sharedCpu"],
            SmallSharedBatchedTrialStepsPerSecond = best["smallShared"],
            SmallSharedBatchedTrialCpuStepsPerSecond = best["smallSharedCpu"],
            SeedGroupTrialStepsPerSecond = best["seedGroup"],
            SeedGroupTrialCpuStepsPerSecond = best["seedGroupCpu"],
            SeedGroupSeparateTrialStepsPerSecond = best["seedGroupSeparate"],
            SeedGroupSeparateTrialCpuStepsPerSecond = best["seedGroupSeparateCpu"],
            SeedGroupFlopsPerTrialStep = TrainingBenchmark.SeedGroupFlopsPerStep / (TrainingBenchmark.SeedGroup.Multis.Length * TrainingBenchmark.SeedGroup.Decays.Length),
            SweepSeedGroupTrialStepsPerSecond = best["sweepSeedGroup"],
            ReferencePytorchCpuStepsPerSecond = best.GetValueOrDefault("referenceCpu", double.NaN),
            SingleTrialCpuStepsPerSecond = best["singleCpu"],
            BatchedTrialCpuStepsPerSecond = best["batchedCpu"],
            SmallSingleTrialCpuStepsPerSecond = best["smallSingleCpu"],
            SmallBatchedTrialCpuStepsPerSecond = best["smallBatchedCpu"],
            DeepCases = deep.Cases,
            DeepConclusiveFraction = deep.ConclusiveFraction,
            DeepSecondsPerConclusiveCase = deep.SecondsPerConclusiveCase,
            DeepSecondsPerCase = deep.SecondsPerCase,
            LoadAverageBefore = loadBefore,
            LoadAverageAfter = LoadAverage(),
            PeakWorkingSetMb = process.PeakWorkingSet64 / 1048576.0,
            BaselineWorkingSetMb = baseline,
            LiveTensorsBefore = liveBefore,
            LiveTensorsAfter = DisposeScopeManager.Statistics.ThreadTotalLiveCount,
        }.Validated();
    }

    /// <summary>The 1-minute load average (Linux /proc/loadavg), or NaN.</summary>
    static double LoadAverage()
    {
        try
        {
            var first = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            return double.Parse(first, System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { return double.NaN; }
    }

}
