using System.Diagnostics;
using TorchSharp;
using Verify.Model.Data;
using Verify.Model.Experiments;
using Verify.Model.Networks;
using Verify.Model.Runtime;
using Verify.Model.Training;
using static TorchSharp.torch;

namespace Verify.Model.Benchmarks;

/// <summary>
/// A benchmark configuration: a two-layer teacher (d inputs, m hidden nodes, 50 outputs), a student
/// of multi x m hidden nodes, float64, batch B, and N training samples (N only sets the memory the
/// batches are drawn from, not the work of a step).
/// </summary>
public sealed record BenchConfig(string Name, int D, int M, int Multi, int BatchSize, int Samples, int Outputs = 50)
{
    /// <summary>The paper's two-layer configuration: d = 100, m = 10, n = 50, batch 16.</summary>
    public static BenchConfig Paper { get; } = new("paper", 100, 10, 5, 16, 2_000);

    /// <summary>The property tests' size: d = 10, m = 3, n = 9, batch 16.</summary>
    public static BenchConfig Small { get; } = new("small", 10, 3, 3, 16, 256);

    public int StudentWidth => M * Multi;

    /// <summary>Floating-point operations of one SGD step: forward, residual, back-propagated signal and both updates (2 per multiply-add).</summary>
    public double FlopsPerStep
    {
        get
        {
            double b = BatchSize, d = D + 1, n = StudentWidth, o = Outputs;
            return 2 * b * (d * n + (n + 1) * o) + 2 * b * n * o + 2 * b * ((n + 1) * o + d * n);
        }
    }

    public override string ToString() => $"{Name}: d = {D}, m = {M}, n = {StudentWidth}, {Outputs} outputs, batch {BatchSize}, float64";
}

/// <summary>Trial-steps per wall-clock second and per CPU second of the timing thread (NaN where not measured).</summary>
public sealed record StepRate(double Wall, double Cpu);

/// <summary>
/// The speed measurements behind `verify bench`, all through the public trainer
/// (<see cref="SgdTrainer.Train(IReadOnlyList{Trial}, Action{int, EpochRecord}?, Action{IReadOnlyList{int}}?)"/>): steps per
/// second of one trial and of T trials trained together, the same across all cores, the float64
/// matrix-product ceiling, and the per-epoch measurements. Each figure is the best of
/// <c>repeats</c> timed runs after a warm-up (the machine may be shared).
/// </summary>
/// <remarks>
/// A timed run is one epoch of <c>steps</c> steps on every trial, so it includes one end-of-epoch
/// measurement over each trial's benchmark dataset (2,000 samples at the paper size: about 2 ms a
/// trial, under 1 % of the single-trial figure and about 3 % of the 32-trial one).
/// </remarks>
public static class TrainingBenchmark
{
    /// <summary>Steps per second of one trial trained alone, on one thread.</summary>
    public static double SingleTrialStepsPerSecond(BenchConfig config, int steps, int repeats = 3) => Trials(config, 1, steps, repeats).Wall;

    /// <summary>Trial-steps per second of <paramref name="trials"/> trials trained together, on one thread.</summary>
    public static double BatchedTrialStepsPerSecond(BenchConfig config, int trials, int steps, int repeats = 3) => Trials(config, trials, steps, repeats).Wall;

    /// <summary>Trial-steps per wall-clock second and per CPU second of <paramref name="trials"/> trials trained together on one thread (each the best of <paramref name="repeats"/>).</summary>
    public static StepRate Trials(BenchConfig config, int trials, int steps, int repeats = 3)
    {
        TorchRuntime.EnsureInitialized();
        return IntraOpThreads.With(1, () =>
        {
            var rates = Enumerable.Range(0, repeats).Select(_ => TimeTrials(config, trials, steps, 1, cpu: true)).ToArray();
            return new StepRate(rates.Max(r => r.Wall), rates.Max(r => r.Cpu));
        });
    }

    /// <summary>
    /// Trial-steps per second of independent single trials run side by side by <see cref="TrialRunner"/>
    /// on <paramref name="workers"/> threads (one intra-op thread each): the workers build their
    /// trials, wait for each other, and then time their training together; the figure is the sum of
    /// their rates.
    /// </summary>
    public static double SweepTrialStepsPerSecond(BenchConfig config, int workers, int steps, int repeats = 3) =>
        SweepBatchedTrialStepsPerSecond(config, workers, 1, steps, repeats);

    /// <summary>Trial-steps per second of stacks of <paramref name="trials"/> trained side by side on <paramref name="workers"/> threads (timed together, rates summed).</summary>
    public static double SweepBatchedTrialStepsPerSecond(BenchConfig config, int workers, int trials, int steps, int repeats = 2)
    {
        TorchRuntime.EnsureInitialized();
        return Best(repeats, () =>
        {
            using var start = new Barrier(workers);
            return TrialRunner.RunAll(Enumerable.Range(0, workers).ToArray(), w => TimeTrials(config, trials, steps, 100 + w, start: start).Wall, workers).Sum();
        });
    }

    /// <summary>Milliseconds of one end-of-epoch measurement (loss and per-sample gradient over N samples) with <paramref name="threads"/> intra-op threads.</summary>
    public static double MeasureMilliseconds(BenchConfig config, int samples, int threads, int repeats = 3)
    {
        TorchRuntime.EnsureInitialized();
        using var scope = NewDisposeScope();
        using var pair = BenchPair.Build(config with { Samples = samples }, 1);
        return IntraOpThreads.With(threads, () =>
        {
            var best = double.MaxValue;
            for (var r = 0; r <= repeats; r++)
            {
                var watch = Stopwatch.StartNew();
                SgdTrainer.Measure(pair.Student, pair.Data);
                if (r > 0) best = Math.Min(best, watch.Elapsed.TotalMilliseconds);
            }
            return best;
        });
    }

    /// <summary>
    /// Milliseconds a paper-size two-layer run (d 100, m 10, multi 5, N_train = N_eval = 10,000)
    /// spends per epoch outside its steps, as a sweep runs it: its evaluation (eval loss, correlation
    /// of every student node with every teacher node, coverage, on the 10,000 eval points), plus the
    /// training-set measurement (loss, per-sample gradients over the 10,000 training points) where
    /// the run asks for one every epoch (the sweep's runs measure it after their last epoch only).
    /// Timed through <see cref="TwoLayerExperiment.Run(TwoLayerConfig)"/> with one step per epoch,
    /// as the difference between <paramref name="epochs"/> + 1 epochs and 1 epoch, divided by
    /// <paramref name="epochs"/>, so the run's setup and final analysis cancel.
    /// </summary>
    public static double EpochEvaluationMilliseconds(int epochs = 10, int repeats = 3, int nTrain = 10_000, int nEval = 10_000)
    {
        TorchRuntime.EnsureInitialized();
        var config = TwoLayerConfig.Paper with { ItersPerEpoch = 1, NTrain = nTrain, NEval = nEval, Seed = 1 };
        double Time(int e)
        {
            var watch = Stopwatch.StartNew();
            TwoLayerExperiment.Run(config with { Epochs = e });
            return watch.Elapsed.TotalMilliseconds;
        }
        return IntraOpThreads.With(1, () =>
        {
            Time(1);
            // The best (least disturbed) of each, then the difference: on a loaded machine a single
            // pair can come out in either order.
            double longer = double.MaxValue, shorter = double.MaxValue;
            for (var r = 0; r < repeats; r++)
            {
                longer = Math.Min(longer, Time(epochs + 1));
                shorter = Math.Min(shorter, Time(1));
            }
            return (longer - shorter) / epochs;
        });
    }

    /// <summary>GFLOP/s of a float64 (size x size) matrix product with <paramref name="threads"/> intra-op threads: the machine's ceiling.</summary>
    public static double GemmGflops(int size, int threads, int repeats = 3)
    {
        TorchRuntime.EnsureInitialized();
        return IntraOpThreads.With(threads, () =>
        {
            using var scope = NewDisposeScope();
            using var rng = new Generator(3);
            var a = randn([size, size], dtype: ScalarType.Float64, generator: rng);
            var b = randn([size, size], dtype: ScalarType.Float64, generator: rng);
            a.mm(b).Dispose();
            return Best(repeats, () =>
            {
                var watch = Stopwatch.StartNew();
                using var c = a.mm(b);
                return 2.0 * size * size * size / watch.Elapsed.TotalSeconds / 1e9;
            });
        });
    }

    /// <summary>
    /// Trial-steps per second of <paramref name="trials"/> trials trained together by the public
    /// trainer for one epoch of <paramref name="steps"/> steps, after a warm-up epoch of a tenth as
    /// many. With <paramref name="start"/>, the clock starts once every worker has warmed up.
    /// </summary>
    static StepRate TimeTrials(BenchConfig config, int trials, int steps, long seed, bool cpu = false, Barrier? start = null)
    {
        using var scope = NewDisposeScope();
        var pairs = Enumerable.Range(0, trials).Select(i => BenchPair.Build(config, Seeds.Of(seed, "trial", i))).ToArray();
        try
        {
            var options = new SgdOptions { LearningRate = 0.01, BatchSize = config.BatchSize, Epochs = 1, ItersPerEpoch = steps };
            Trial[] Make(SgdOptions o) => pairs.Select(p => new Trial(p.Student, p.Data, o, p.BatchSeed)).ToArray();
            Check(SgdTrainer.Train(Make(options with { ItersPerEpoch = Math.Max(BatchSampler.ChunkSteps, steps / 10) })));
            start?.SignalAndWait(TimeSpan.FromMinutes(1));
            var cpuStart = cpu ? CpuClock.ThreadSeconds() : double.NaN;
            var watch = Stopwatch.StartNew();
            var results = SgdTrainer.Train(Make(options));
            var seconds = watch.Elapsed.TotalSeconds;
            var cpuSeconds = CpuClock.ThreadSeconds() - cpuStart;
            Check(results);
            return new StepRate(trials * (double)steps / seconds, trials * (double)steps / cpuSeconds);
        }
        finally
        {
            foreach (var p in pairs) p.Dispose();
        }

        void Check(TrainingResult[] results)
        {
            if (results.Any(r => r.Diverged)) throw new InvalidOperationException($"A benchmark trial diverged ({config}).");
        }
    }

    static double Best(int repeats, Func<double> measure)
    {
        if (repeats < 1) throw new ArgumentOutOfRangeException(nameof(repeats), repeats, $"Repeats must be >= 1; got {repeats}.");
        var best = 0.0;
        for (var r = 0; r < repeats; r++) best = Math.Max(best, measure());
        return best;
    }

    /// <summary>A teacher's data and a paper-initialized student for a configuration (the teacher is dropped once its labels exist).</summary>
    sealed record BenchPair(RectifiedNetwork Student, Dataset Data, long BatchSeed) : IDisposable
    {
        public static BenchPair Build(BenchConfig config, long seed)
        {
            using var teacher = Teacher.Build(TeacherSpec.TwoLayer(config.D, config.M, outputs: config.Outputs), Seeds.Of(seed, "teacher"));
            var data = Dataset.Gaussian(teacher, config.Samples, Seeds.Of(seed, "train-inputs"));
            var student = Networks.Student.OverRealized(teacher, config.Multi, Seeds.Of(seed, "student"));
            return new BenchPair(student, data, Seeds.Of(seed, "batches"));
        }

        public void Dispose()
        {
            Student.Dispose();
            Data.Dispose();
        }
    }
}
