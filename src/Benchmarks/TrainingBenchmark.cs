using System.Diagnostics;
using Verify.Model.Data;
using Verify.Model.Evidence;
using Verify.Model.Experiments;
using Verify.Model.Networks;
using Verify.Model.Runtime;
using Verify.Model.Training;
using static TorchSharp.torch;

using Verify.Model;
namespace Verify.Benchmarks;

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
/// measurement over each trial's benchmark dataset (2,000 samples at the paper size).
/// `verify bench` gives every trial of a comparison the same steps
/// (<see cref="BenchReport.PaperStepsPerTrial"/>), so a trial carries the same measurement alone or
/// stacked (its share of the time: docs/dev/performance.md, "Figures moved out of the code").
/// </remarks>
public static class TrainingBenchmark
{
    /// <summary>Steps per second of one trial trained alone, on one thread.</summary>
    public static double SingleTrialStepsPerSecond(BenchConfig config, int steps, int repeats = 3) => Trials(config, 1, steps, repeats).Wall;

    /// <summary>Trial-steps per second of <paramref name="trials"/> trials trained together, on one thread.</summary>
    public static double BatchedTrialStepsPerSecond(BenchConfig config, int trials, int steps, int repeats = 3) => Trials(config, trials, steps, repeats).Wall;

    /// <summary>
    /// Trial-steps per wall-clock second and per CPU second of <paramref name="trials"/> trials trained
    /// together on one thread (each the best of <paramref name="repeats"/>). Independent trials (the
    /// default) each have their own teacher, data and batch seed; with <paramref name="sharedInputs"/>
    /// they share the data and the batch seed (students differ), as the runs of one sweep seed do, so
    /// their first layers train as one wide product.
    /// </summary>
    public static StepRate Trials(BenchConfig config, int trials, int steps, int repeats = 3, bool sharedInputs = false)
    {
        TorchRuntime.EnsureInitialized();
        return IntraOpThreads.With(1, () =>
        {
            var rates = Enumerable.Range(0, repeats).Select(_ => TimeTrials(config, trials, steps, 1, cpu: true, shared: sharedInputs)).ToArray();
            return new StepRate(rates.Max(r => r.Wall), rates.Max(r => r.Cpu));
        });
    }

    /// <summary>The multis and decays of one seed of the paper-size L-shape sweep: 12 runs.</summary>
    public static readonly (int[] Multis, double[] Decays) SeedGroup = ([1, 2, 5, 10], [0, 1, 2]);

    /// <summary>Floating-point operations of one step of every run of <see cref="SeedGroup"/> at the paper size (d 100, m 10, 50 outputs, batch 16).</summary>
    public static double SeedGroupFlopsPerStep =>
        SeedGroup.Decays.Length * SeedGroup.Multis.Sum(multi => (BenchConfig.Paper with { Multi = multi }).FlopsPerStep);

    /// <summary>
    /// Trial-steps per second of the 12 runs of one paper-size sweep seed (<see cref="SeedGroup"/>:
    /// multi 1, 2, 5, 10 x p 0, 1, 2; teachers with one lowest layer, shared inputs and batch seed)
    /// trained together by the public trainer on one thread, as the sweep trains them: one wide
    /// first-layer product. With <paramref name="shared"/> false the same 12 trials get 12 batch seeds
    /// and are stacked by shape instead (the layout before the sweep shared its randomness).
    /// </summary>
    public static StepRate SeedGroupTrials(int steps, int repeats = 3, bool shared = true)
    {
        TorchRuntime.EnsureInitialized();
        return IntraOpThreads.With(1, () =>
        {
            var rates = Enumerable.Range(0, repeats).Select(_ => TimeSeedGroup(steps, 1, shared, cpu: true)).ToArray();
            return new StepRate(rates.Max(r => r.Wall), rates.Max(r => r.Cpu));
        });
    }

    /// <summary>Trial-steps per second of one seed group (<see cref="SeedGroupTrials"/>) per worker, on <paramref name="workers"/> threads side by side (timed together, rates summed): a sweep's training on all cores.</summary>
    public static double SweepSeedGroupTrialStepsPerSecond(int workers, int steps, int repeats = 1)
    {
        TorchRuntime.EnsureInitialized();
        return Best(repeats, () =>
        {
            using var start = new Barrier(workers);
            return TrialRunner.RunAll(Enumerable.Range(0, workers).ToArray(), w => TimeSeedGroup(steps, 100 + w, shared: true, start: start).Wall, workers).Sum();
        });
    }

    static StepRate TimeSeedGroup(int steps, long seed, bool shared, bool cpu = false, Barrier? start = null)
    {
        using var scope = NewDisposeScope();
        var paper = BenchConfig.Paper;
        var owned = new List<IDisposable>();
        try
        {
            using var inputs = Inputs.Gaussian(paper.Samples, paper.D, Seeds.Of(seed, "train-inputs"));
            var options = new SgdOptions { LearningRate = 0.01, BatchSize = paper.BatchSize, Epochs = 1, ItersPerEpoch = steps, MeasureEveryEpoch = false };
            var built = new List<(RectifiedNetwork Student, Dataset Data)>();
            foreach (var p in SeedGroup.Decays)
            {
                using var teacher = Teacher.Build(TeacherSpec.TwoLayer(paper.D, paper.M, p, paper.Outputs), Seeds.Of(seed, "teacher"));
                var data = Dataset.Label(teacher, inputs);
                owned.Add(data);
                foreach (var multi in SeedGroup.Multis)
                {
                    var student = Model.Networks.Student.OverRealized(teacher, multi, Seeds.Of(seed, "student", multi));
                    owned.Add(student);
                    built.Add((student, data));
                }
            }
            Trial[] Make(SgdOptions o) => built.Select((b, i) => new Trial(b.Student, b.Data, o, shared ? Seeds.Of(seed, "batches") : Seeds.Of(seed, "batches", i))).ToArray();
            Check(SgdTrainer.Train(Make(options with { ItersPerEpoch = Math.Max(BatchSampler.ChunkSteps, steps / 10) })), "seed group");
            start?.SignalAndWait(TimeSpan.FromMinutes(1));
            var cpuStart = cpu ? CpuClock.ThreadSeconds() : double.NaN;
            var watch = Stopwatch.StartNew();
            var results = SgdTrainer.Train(Make(options));
            var seconds = watch.Elapsed.TotalSeconds;
            var cpuSeconds = CpuClock.ThreadSeconds() - cpuStart;
            Check(results, "seed group");
            var trialSteps = built.Count * (double)steps;
            return new StepRate(trialSteps / seconds, trialSteps / cpuSeconds);
        }
        finally
        {
            foreach (var o in owned) o.Dispose();
        }
    }

    static void Check(TrainingResult[] results, string what)
    {
        if (results.Any(r => r.Diverged)) throw new InvalidOperationException($"A benchmark trial diverged ({what}).");
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

    /// <summary>
    /// Milliseconds of one end-of-epoch measurement (loss and per-sample gradient over N samples) with
    /// <paramref name="threads"/> intra-op threads: the median of <paramref name="calls"/> calls after
    /// one to warm. A single call swings from 4 to 27 ms at the paper's size, with the allocator's state
    /// (each call allocates its augmented inputs, 8 MB), so one call per round made the figure depend on
    /// what ran before it in the process (docs/dev/performance.md, issue 25's second stop).
    /// </summary>
    public static double MeasureMilliseconds(BenchConfig config, int samples, int threads, int calls = 21)
    {
        if (calls < 1) throw new ArgumentOutOfRangeException(nameof(calls), calls, $"Calls must be >= 1; got {calls}.");
        TorchRuntime.EnsureInitialized();
        using var scope = NewDisposeScope();
        using var pair = BenchPair.Build(config with { Samples = samples }, 1);
        return IntraOpThreads.With(threads, () =>
        {
            SgdTrainer.Measure(pair.Student, pair.Data);
            var times = new double[calls];
            for (var r = 0; r < calls; r++)
            {
                var watch = Stopwatch.StartNew();
                SgdTrainer.Measure(pair.Student, pair.Data);
                times[r] = watch.Elapsed.TotalMilliseconds;
            }
            Array.Sort(times);
            return times[calls / 2];
        });
    }

    /// <summary>
    /// Milliseconds a paper-size two-layer run (d 100, m 10, N_train = N_eval = 10,000) spends per
    /// epoch on its evaluation (eval loss, correlation of every student node with every teacher node,
    /// coverage, on the 10,000 eval points), as a sweep runs it. By default the 12 runs of one sweep
    /// seed (<see cref="SeedGroup"/>) run through <see cref="TwoLayerExperiment.RunAll"/> on one worker,
    /// evaluated together as the sweep does (one wide product per batch and epoch), and the figure is
    /// per run and epoch; with <paramref name="alone"/>, one run (multi 5) through
    /// <see cref="TwoLayerExperiment.Run(TwoLayerConfig)"/>. Runs of <paramref name="epochs"/> epochs
    /// of one step each; the evaluations themselves are timed, each on its own
    /// (<see cref="WorkClock"/>, under <see cref="TwoLayerExperiment.EvaluationWork"/>), in CPU
    /// milliseconds of the calling thread where that clock exists (Linux), else wall milliseconds;
    /// the best of <paramref name="repeats"/>.
    /// (It used to be the difference between a run of epochs + 1 epochs and one of 1 epoch, which
    /// assumed that setup and the final analysis cost the same in both: they do not, the analysis
    /// depends on the trained student, and the difference came out negative on a quiet machine.)
    /// Throws when the figure is not a positive time: a bug, never a measurement.
    /// </summary>
    public static double EpochEvaluationMilliseconds(int epochs = 10, int repeats = 3, int nTrain = 10_000, int nEval = 10_000, bool alone = false)
    {
        if (epochs < 1) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, $"Epochs must be >= 1; got {epochs}.");
        if (repeats < 1) throw new ArgumentOutOfRangeException(nameof(repeats), repeats, $"Repeats must be >= 1; got {repeats}.");
        TorchRuntime.EnsureInitialized();
        var config = TwoLayerConfig.Paper with { ItersPerEpoch = 1, NTrain = nTrain, NEval = nEval, Seed = 1, Epochs = epochs };
        var group = (from p in SeedGroup.Decays from multi in SeedGroup.Multis select config with { Multi = multi, Decay = p }).ToArray();
        double Time()
        {
            var (seconds, count) = WorkClock.OnThisThread(TwoLayerExperiment.EvaluationWork);
            if (alone) TwoLayerExperiment.Run(config);
            else TwoLayerExperiment.RunAll(group, workers: 1);
            var (after, countAfter) = WorkClock.OnThisThread(TwoLayerExperiment.EvaluationWork);
            var expected = (long)epochs * (alone ? 1 : group.Length);
            if (countAfter - count != expected)
                throw new InvalidOperationException($"The evaluation benchmark expected {expected} run-epochs evaluated on its thread; {countAfter - count} were.");
            return (after - seconds) * 1e3 / expected;
        }
        var best = IntraOpThreads.With(1, () =>
        {
            Time();
            var fastest = double.MaxValue;
            for (var r = 0; r < repeats; r++) fastest = Math.Min(fastest, Time());
            return fastest;
        });
        if (!double.IsFinite(best) || best <= 0)
            throw new InvalidOperationException($"The evaluation benchmark measured {best} ms per run and epoch: not a time (a bug in the benchmark).");
        return best;
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
    static StepRate TimeTrials(BenchConfig config, int trials, int steps, long seed, bool cpu = false, Barrier? start = null, bool shared = false)
    {
        using var scope = NewDisposeScope();
        var pairs = shared
            ? BenchPair.Shared(config, seed, trials)
            : Enumerable.Range(0, trials).Select(i => BenchPair.Build(config, Seeds.Of(seed, "trial", i))).ToArray();
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

        void Check(TrainingResult[] results) => TrainingBenchmark.Check(results, config.ToString());
    }

    static double Best(int repeats, Func<double> measure)
    {
        if (repeats < 1) throw new ArgumentOutOfRangeException(nameof(repeats), repeats, $"Repeats must be >= 1; got {repeats}.");
        var best = 0.0;
        for (var r = 0; r < repeats; r++) best = Math.Max(best, measure());
        return best;
    }

    /// <summary>
    /// A teacher's data and a paper-initialized student for a configuration (the teacher is dropped
    /// once its labels exist). Owns the student, and the data when <c>ownsData</c>: a class with one
    /// owner, not a record.
    /// </summary>
    sealed class BenchPair(RectifiedNetwork student, Dataset data, long batchSeed, bool ownsData = true) : IDisposable
    {
        public RectifiedNetwork Student { get; } = student;
        public Dataset Data { get; } = data;
        public long BatchSeed { get; } = batchSeed;

        public static BenchPair Build(BenchConfig config, long seed)
        {
            using var teacher = Teacher.Build(TeacherSpec.TwoLayer(config.D, config.M, outputs: config.Outputs), Seeds.Of(seed, "teacher"));
            var data = Dataset.Gaussian(teacher, config.Samples, Seeds.Of(seed, "train-inputs"));
            var student = Model.Networks.Student.OverRealized(teacher, config.Multi, Seeds.Of(seed, "student"));
            return new BenchPair(student, data, Seeds.Of(seed, "batches"));
        }

        /// <summary>Students of <paramref name="count"/> seeds on one teacher's data with one batch seed: trials that share their inputs (the dataset object is shared; only the last pair owns it).</summary>
        public static BenchPair[] Shared(BenchConfig config, long seed, int count)
        {
            using var teacher = Teacher.Build(TeacherSpec.TwoLayer(config.D, config.M, outputs: config.Outputs), Seeds.Of(seed, "teacher"));
            var data = Dataset.Gaussian(teacher, config.Samples, Seeds.Of(seed, "train-inputs"));
            return Enumerable.Range(0, count)
                .Select(i => new BenchPair(Model.Networks.Student.OverRealized(teacher, config.Multi, Seeds.Of(seed, "student", i)), data, Seeds.Of(seed, "batches"), ownsData: i == count - 1))
                .ToArray();
        }

        public void Dispose()
        {
            Student.Dispose();
            if (ownsData) Data.Dispose();
        }
    }
}
