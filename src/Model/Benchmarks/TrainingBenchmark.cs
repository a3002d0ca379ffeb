using System.Diagnostics;
using TorchSharp;
using Verify.Model.Data;
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

/// <summary>
/// The speed measurements behind `verify bench`: steps per second of the single-trial and the
/// batched trainer's step, the same across all cores, the cost of the per-step divergence check, a
/// plain one-operation-at-a-time loop for comparison, and the float64 matrix-product ceiling.
/// Each figure is the best of <c>repeats</c> timed runs after a warm-up (the machine may be shared).
/// </summary>
public static class TrainingBenchmark
{
    /// <summary>Steps per second of <see cref="SgdTrainer"/>'s step on one thread (batches drawn as in training; no epoch-end measurement).</summary>
    public static double SingleTrialStepsPerSecond(BenchConfig config, int steps, int repeats = 3, bool withLoss = true)
    {
        TorchRuntime.EnsureInitialized();
        return IntraOpThreads.With(1, () => Best(repeats, () => TimeSingle(config, steps, 1, withLoss)));
    }

    /// <summary>Trial-steps per second of <see cref="BatchedSgdTrainer"/>'s step with <paramref name="trials"/> trials on one thread.</summary>
    public static double BatchedTrialStepsPerSecond(BenchConfig config, int trials, int steps, int repeats = 3)
    {
        TorchRuntime.EnsureInitialized();
        return IntraOpThreads.With(1, () => Best(repeats, () => TimeBatched(config, trials, steps)));
    }

    /// <summary>
    /// Trial-steps per second of independent single trials run side by side by <see cref="TrialRunner"/>
    /// on <paramref name="workers"/> threads (one intra-op thread each): the workers build their
    /// trials, wait for each other, and then time their steps together; the figure is the sum of
    /// their rates.
    /// </summary>
    public static double SweepTrialStepsPerSecond(BenchConfig config, int workers, int steps, int repeats = 3)
    {
        TorchRuntime.EnsureInitialized();
        return Best(repeats, () =>
        {
            using var start = new Barrier(workers);
            var rates = TrialRunner.RunAll(Enumerable.Range(0, workers).ToArray(), i => TimeSingle(config, steps, 100 + i, true, start), workers);
            return rates.Sum();
        });
    }

    /// <summary>Trial-steps per second of batches of <paramref name="trials"/> run side by side on <paramref name="workers"/> threads (timed together, rates summed).</summary>
    public static double SweepBatchedTrialStepsPerSecond(BenchConfig config, int workers, int trials, int steps, int repeats = 2)
    {
        TorchRuntime.EnsureInitialized();
        return Best(repeats, () =>
        {
            using var start = new Barrier(workers);
            return TrialRunner.RunAll(Enumerable.Range(0, workers).ToArray(), _ => TimeBatched(config, trials, steps, start), workers).Sum();
        });
    }

    /// <summary>Steps per second of a plain loop, one TorchSharp operation at a time (batch gathered, inputs augmented by cat, per step), for comparison.</summary>
    public static double PlainLoopStepsPerSecond(BenchConfig config, int steps, int repeats = 3)
    {
        TorchRuntime.EnsureInitialized();
        return IntraOpThreads.With(1, () => Best(repeats, () =>
        {
            using var scope = NewDisposeScope();
            using var pair = BenchPair.Build(config, 1);
            using var noGrad = no_grad();
            using var rng = new Generator(7);
            var weights = pair.Student.Weights.Select(w => (Tensor)w).ToArray();
            var watch = new Stopwatch();
            for (var s = -steps / 10; s < steps; s++)
            {
                if (s == 0) watch.Start();
                using var step = NewDisposeScope();
                var idx = randint(0, config.Samples, [config.BatchSize], dtype: ScalarType.Int64, generator: rng);
                var x = pair.Data.Inputs.index_select(0, idx);
                var y = pair.Data.Targets.index_select(0, idx);
                var x1 = RectifiedNetwork.Augment(x);
                var pre = x1.mm(weights[0]);
                var h1 = RectifiedNetwork.Augment(pre.relu());
                var g = y - h1.mm(weights[1]);
                var loss = g.Squared().sum().item<double>();
                var below = g.mm(weights[1].narrow(0, 0, weights[1].shape[0] - 1).t()).mul_(pre.Above(0).to(pre.dtype));
                weights[1].PlusScaled_(h1.t().mm(g), 0.01 / config.BatchSize);
                weights[0].PlusScaled_(x1.t().mm(below), 0.01 / config.BatchSize);
                if (!double.IsFinite(loss)) throw new InvalidOperationException("The benchmark run diverged.");
            }
            return steps / watch.Elapsed.TotalSeconds;
        }));
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

    /// <summary>Times the steps only; with <paramref name="start"/>, after every worker has built its trial and warmed up.</summary>
    static double TimeSingle(BenchConfig config, int steps, long seed, bool withLoss, Barrier? start = null)
    {
        using var scope = NewDisposeScope();
        using var pair = BenchPair.Build(config, seed);
        using var noGrad = no_grad();
        using var stepper = new SgdStepper(pair.Student, pair.Data, config.BatchSize);
        using var sampler = new BatchSampler(seed, config.Samples, config.BatchSize, CPU);
        stepper.SetRate(0.01);
        var seconds = TimeSteps(steps, start,
            () => { using var indices = sampler.Next(BatchSampler.ChunkSteps); stepper.Load(indices); },
            () =>
            {
                var loss = stepper.Step(withLoss);
                if (withLoss && !double.IsFinite(loss)) throw new InvalidOperationException($"The benchmark run diverged ({config}).");
            });
        return steps / seconds;
    }

    /// <summary>
    /// Seconds taken by <paramref name="steps"/> calls of <paramref name="step"/>, after a warm-up of
    /// a tenth as many (at least one chunk); <paramref name="loadChunk"/> runs before every chunk of
    /// <see cref="BatchSampler.ChunkSteps"/> steps. With <paramref name="start"/>, the clock starts
    /// once every worker has warmed up.
    /// </summary>
    static double TimeSteps(int steps, Barrier? start, Action loadChunk, Action step)
    {
        var watch = new Stopwatch();
        var warm = Math.Max(BatchSampler.ChunkSteps, steps / 10);
        for (var s = -warm; s < steps; s++)
        {
            if (s == 0)
            {
                start?.SignalAndWait(TimeSpan.FromMinutes(1));
                watch.Start();
            }
            if ((s + warm) % BatchSampler.ChunkSteps == 0) loadChunk();
            step();
        }
        return watch.Elapsed.TotalSeconds;
    }

    static double TimeBatched(BenchConfig config, int trials, int steps, Barrier? start = null)
    {
        using var scope = NewDisposeScope();
        var pairs = Enumerable.Range(0, trials).Select(i => BenchPair.Build(config, 1 + i)).ToArray();
        var samplers = Enumerable.Range(0, trials).Select(i => new BatchSampler(1 + i, config.Samples, config.BatchSize, CPU)).ToArray();
        try
        {
            using var noGrad = no_grad();
            var options = new SgdOptions { LearningRate = 0.01, BatchSize = config.BatchSize };
            using var state = new BatchedState(pairs.Select((p, i) => new BatchedTrial(p.Student, p.Data, options, 1 + i)).ToArray());
            state.SetRates(Enumerable.Repeat(0.01, trials).ToArray());
            var seconds = TimeSteps(steps, start,
                () => state.Load(samplers.Select(sm => sm.Next(BatchSampler.ChunkSteps)).ToArray()),
                () =>
                {
                    if (!state.Step().All(double.IsFinite)) throw new InvalidOperationException($"A benchmark trial diverged ({config}).");
                });
            return trials * (double)steps / seconds;
        }
        finally
        {
            foreach (var s in samplers) s.Dispose();
            foreach (var p in pairs) p.Dispose();
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
    sealed record BenchPair(RectifiedNetwork Student, Dataset Data) : IDisposable
    {
        public static BenchPair Build(BenchConfig config, long seed)
        {
            using var teacher = Teacher.Build(TeacherSpec.TwoLayer(config.D, config.M, outputs: config.Outputs), seed);
            var data = Dataset.Gaussian(teacher, config.Samples, seed + 1);
            var student = Networks.Student.OverRealized(teacher, config.Multi, seed + 2);
            return new BenchPair(student, data);
        }

        public void Dispose()
        {
            Student.Dispose();
            Data.Dispose();
        }
    }
}
