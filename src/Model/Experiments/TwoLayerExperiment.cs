using System.Diagnostics;
using Verify.Model.Analysis;
using Verify.Model.Data;
using Verify.Model.Evidence;
using Verify.Model.Networks;
using Verify.Model.Runtime;
using Verify.Model.Training;
using static TorchSharp.torch;

namespace Verify.Model.Experiments;

/// <summary>Runs one two-layer configuration: build teacher and data, train, analyse every epoch.</summary>
public static class TwoLayerExperiment
{
    /// <summary>Standard deviation of the Gaussian inputs, 1.5 in the paper's code; teacher-aware points are rescaled to norm 1.5 sqrt(d).</summary>
    public const double DataStd = 1.5;

    /// <summary>One run of <paramref name="config"/>; the student is trained from scratch.</summary>
    public static TwoLayerRun Run(TwoLayerConfig config) => Run(config, null);

    /// <summary>
    /// One run on given inputs (e.g. real images) instead of generated ones: <paramref name="inputs"/>
    /// holds the training inputs (N_train, d) and eval inputs (N_eval, d); they are only read, so runs
    /// on several threads may share them. The config's d, N_train and N_eval must match their shapes.
    /// </summary>
    public static TwoLayerRun Run(TwoLayerConfig config, ProvidedInputs? inputs)
    {
        using var scope = NewDisposeScope();
        using var run = new PreparedRun(config, inputs);
        return run.Finish(SgdTrainer.Train(run.Student, run.Train, run.Options, run.TrainSeed, e => WorkClock.Time(EvaluationWork, 1, () => run.Observe(e))));
    }

    /// <summary>
    /// The name under which the per-epoch evaluations are timed (<see cref="WorkClock"/>), in
    /// run-epochs evaluated: `bench` reads the difference over its own runs (workers: 1, so they run
    /// on its thread).
    /// </summary>
    public const string EvaluationWork = "two-layer evaluation";

    /// <summary>
    /// Runs trained together by <see cref="SgdTrainer"/>: runs of one shape (<see cref="ShapeKey"/>)
    /// are stacked, and runs that share their training inputs and batch sequence (one seed, see
    /// <see cref="TwoLayerConfig"/>) train in one kernel whatever their widths, with one wide
    /// first-layer product. After every epoch the runs that share their evaluation inputs and teacher
    /// hidden layer (again one seed) are evaluated together, by one wide product
    /// (<see cref="ObserveTogether"/>). Each run sees the batches it would see alone, and its numbers
    /// equal a solo run's to float64 round-off.
    /// </summary>
    public static TwoLayerRun[] RunBatched(IReadOnlyList<TwoLayerConfig> configs)
    {
        if (configs.Count == 1) return [Run(configs[0])];
        using var scope = NewDisposeScope();
        var runs = new List<PreparedRun>();
        try
        {
            using (Phases.Time("prepare"))
                foreach (var c in configs) runs.Add(new PreparedRun(c, null));
            int[] evalGroup;
            using (Phases.Time("evaluation-groups"))
                evalGroup = EvaluationGroups(runs);
            var epochs = new EpochRecord[runs.Count];
            var results = SgdTrainer.Train(runs.Select(r => new Trial(r.Student, r.Train, r.Options, r.TrainSeed)).ToArray(),
                (i, e) => epochs[i] = e,
                ended =>
                {
                    using var phase = Phases.Time("evaluate");
                    foreach (var group in ended.GroupBy(i => evalGroup[i]))
                        WorkClock.Time(EvaluationWork, group.Count(), () => ObserveTogether(group.Select(i => runs[i]).ToArray(), group.Select(i => epochs[i]).ToArray()));
                });
            using (Phases.Time("finish"))
                return runs.Select((r, i) => r.Finish(results[i])).ToArray();
        }
        finally
        {
            foreach (var r in runs) r.Dispose();
        }
    }

    /// <summary>The seeds of a run's random streams, each named from the config's seed (the student also by multi): see <see cref="TwoLayerConfig"/> for what runs of one seed share.</summary>
    public static RunStreams Streams(TwoLayerConfig c) => new(
        Seeds.Of(c.Seed, "teacher"), Seeds.Of(c.Seed, "train-inputs"), Seeds.Of(c.Seed, "eval-inputs"),
        Seeds.Of(c.Seed, "student", c.Multi), Seeds.Of(c.Seed, "batches"), Seeds.Of(c.Seed, "other-teacher"));

    /// <summary>What runs must share to be stacked on one another (runs of one seed train together whatever their shape: <see cref="SeedKey"/>).</summary>
    public static string ShapeKey(TwoLayerConfig c) =>
        FormattableString.Invariant($"{c.D}|{c.N}|{c.Outputs}|{c.Activation}|{c.Batch}|{c.ItersPerEpoch}|{c.NTrain}");

    /// <summary>
    /// A run set up and observed epoch by epoch: teacher, data, student, and the eval-set numbers
    /// (loss, coverage, first covered epoch) recorded after every epoch, with the training loss and
    /// max per-sample gradient at each teacher's first covered epoch. Owns its tensors.
    /// </summary>
    sealed class PreparedRun : IDisposable
    {
        readonly TwoLayerConfig config;
        readonly Stopwatch clock = Stopwatch.StartNew();
        readonly RectifiedNetwork teacher;
        readonly Dataset eval;
        readonly Tensor teacherEval;
        readonly List<double> evalLoss = [];
        readonly List<double> coverage = [];
        readonly FirstCoverage first;
        double[] early, last;
        readonly int earlyEpoch;

        public Dataset Train { get; }
        public RectifiedNetwork Student { get; }
        public SgdOptions Options { get; }
        public long TrainSeed { get; }

        public PreparedRun(TwoLayerConfig config, ProvidedInputs? inputs)
        {
            config.Validate();
            if (inputs is not null && (inputs.Train.shape[1] != config.D || inputs.Train.shape[0] != config.NTrain || inputs.Eval.shape[0] != config.NEval || inputs.Eval.shape[1] != config.D))
                throw new ArgumentException($"Provided inputs have shapes [{string.Join(", ", inputs.Train.shape)}] and [{string.Join(", ", inputs.Eval.shape)}]; the config expects ({config.NTrain}, {config.D}) and ({config.NEval}, {config.D}).", nameof(inputs));
            this.config = config;
            var spec = TeacherSpec.TwoLayer(config.D, config.M, config.Decay, config.Outputs, config.Activation);
            var streams = Streams(config);
            var phase = Phases.Time("prepare/data");
            teacher = Teacher.Build(spec, streams.Teacher);
            Train = inputs is not null ? Dataset.Label(teacher, inputs.Train) : TrainingSet(teacher, spec, config);
            eval = inputs is not null ? Dataset.Label(teacher, inputs.Eval) : Dataset.Gaussian(teacher, config.NEval, streams.EvalInputs, DataStd);
            Student = Verify.Model.Networks.Student.OverRealized(teacher, config.Multi, streams.Student, activation: config.Activation);
            TrainSeed = streams.Batches;
            using (no_grad())
            using (var trace = teacher.Trace(eval.Inputs))
                teacherEval = trace.Activations[0].clone().DetachFromDisposeScope();
            phase.Dispose();
            first = new FirstCoverage(config.M, config.Tau);
            early = new double[config.M];
            last = new double[config.M];
            earlyEpoch = Math.Min(config.EarlyEpoch, config.Epochs);
            Options = new SgdOptions { LearningRate = config.LearningRate, BatchSize = config.Batch, Epochs = config.Epochs, ItersPerEpoch = config.ItersPerEpoch, MeasureEveryEpoch = false };
        }

        public Dataset Eval => eval;

        Tensor? evalAugmented;

        /// <summary>The eval inputs with their constant column, [X, 1] (N_eval, d + 1), built once.</summary>
        public Tensor EvalAugmented
        {
            get
            {
                if (evalAugmented is null)
                    using (var scope = NewDisposeScope())
                        evalAugmented = RectifiedNetwork.Augment(eval.Inputs).DetachFromDisposeScope();
                return evalAugmented;
            }
        }

        /// <summary>The teacher's hidden activations on the eval inputs: (N_eval, m).</summary>
        public Tensor TeacherEval => teacherEval;

        (Tensor Z, Tensor Live)? teacherStandardized;

        /// <summary>
        /// The teacher's hidden activations on the eval inputs standardized as <see cref="Correlation.Pearson"/>
        /// does (centred, divided by the population standard deviation, at least <see cref="Correlation.ConstantNodeStd"/>),
        /// as rows, with a last row of ones: (m + 1, N_eval); and which teacher nodes are live (1) or
        /// constant (0): built once, float64.
        /// </summary>
        public (Tensor Z, Tensor Live) TeacherStandardized
        {
            get
            {
                if (teacherStandardized is null)
                    using (var scope = NewDisposeScope())
                    {
                        var t = teacherEval.to(ScalarType.Float64);
                        var centred = t - t.mean([0L], keepdim: true);
                        var std = centred.Squared().mean([0L], keepdim: true).sqrt();
                        var live = std.squeeze(0).Above(Correlation.ConstantNodeStd).to(ScalarType.Float64);
                        var rows = cat([(centred / std.ClampAtLeast(Correlation.ConstantNodeStd)).t(), ones(1, t.shape[0], dtype: ScalarType.Float64, device: t.device)], 0).contiguous();
                        teacherStandardized = (rows.DetachFromDisposeScope(), live.DetachFromDisposeScope());
                    }
                return teacherStandardized.Value;
            }
        }

        public void Observe(EpochRecord epoch)
        {
            var (loss, best) = EvaluateOn(Student, eval, teacherEval);
            Record(epoch, loss, best);
        }

        /// <summary>
        /// Records the evaluation after <paramref name="epoch"/>: eval loss and max_k rho_jk per
        /// teacher; where a teacher is covered for the first time, the training loss and max
        /// per-sample gradient then (<see cref="FirstCoverage.Measure"/>: the trainer measures only
        /// the last epoch of a sweep's run, so other epochs are measured here, and only these).
        /// </summary>
        public void Record(EpochRecord epoch, double loss, double[] best)
        {
            evalLoss.Add(loss);
            last = best;
            coverage.Add(best.Count(r => r > config.Tau) / (double)config.M);
            first.Observe(epoch.Epoch, best, () => FirstCoverage.Measure(epoch, Student, Train));
            if (epoch.Epoch == earlyEpoch) early = best;
        }

        public TwoLayerRun Finish(TrainingResult result)
        {
            if (evalLoss.Count < earlyEpoch) early = last; // diverged before the early epoch
            using var phase = Phases.Time("finish/pair-evidence");
            var analysis = PairEvidence.Measure(teacher, Student, Train.Inputs, result, config.ToString(), measureJumps: false);
            var report = analysis.Report;
            return new TwoLayerRun(
                config,
                Losses.FromObjective(result.FinalTrainLoss, Student.OutputDim),
                evalLoss.Count > 0 ? evalLoss[^1] : double.NaN,
                last,
                first.Epochs,
                early,
                report.BestCorrelationPerStudent,
                report.StudentFanOutNorms,
                report.TeacherFanOutNorms,
                result.MaxSampleGradient,
                evalLoss.ToArray(),
                coverage.ToArray(),
                result.Outcome,
                clock.Elapsed.TotalSeconds,
                result.DivergedAtStep,
                result.LastFiniteLoss is { } lastFinite ? Losses.FromObjective(lastFinite, Student.OutputDim) : null,
                first.GradientAtFirstCover,
                first.LossAtFirstCover) { Analysis = analysis };
        }

        public void Dispose()
        {
            evalAugmented?.Dispose();
            teacherStandardized?.Z.Dispose();
            teacherStandardized?.Live.Dispose();
            teacherEval.Dispose();
            Student.Dispose();
            eval.Dispose();
            Train.Dispose();
            teacher.Dispose();
        }
    }

    static Dataset TrainingSet(RectifiedNetwork teacher, TeacherSpec spec, TwoLayerConfig config)
    {
        var options = new TeacherAwareOptions(RescaleNorm: DataStd * Math.Sqrt(config.D));
        switch (config.TrainData)
        {
            case TrainingData.TeacherAware:
                return TeacherAware.Dataset(teacher, config.NTrain, Streams(config).TrainInputs, options);
            case TrainingData.TeacherAwareOfAnotherTeacher:
                using (var other = Teacher.Build(spec, Streams(config).OtherTeacher))
                using (var points = TeacherAware.Inputs(other, config.NTrain, Streams(config).TrainInputs, options))
                    return Dataset.Label(teacher, points.Inputs);
            default:
                return Dataset.Gaussian(teacher, config.NTrain, Streams(config).TrainInputs, DataStd);
        }
    }

    /// <summary>Eval loss on the paper's axis (mean squared error over samples and outputs) and max_k rho_jk per teacher on the eval set.</summary>
    static (double Loss, double[] BestPerTeacher) EvaluateOn(RectifiedNetwork student, Dataset eval, Tensor teacherActivations)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var trace = student.Trace(eval.Inputs);
        var loss = Losses.MeanSquaredError(trace.Output, eval.Targets);
        var rho = Correlation.Pearson(teacherActivations, trace.Activations[0]);
        return (loss, BestPerTeacher(rho, 0, rho.GetLength(1)));
    }

    /// <summary>max over columns first .. first + count - 1 of rho, per row (teacher).</summary>
    static double[] BestPerTeacher(double[,] rho, int first, int count)
    {
        var best = new double[rho.GetLength(0)];
        for (var j = 0; j < best.Length; j++)
        {
            best[j] = double.NegativeInfinity;
            for (var k = first; k < first + count; k++) best[j] = Math.Max(best[j], rho[j, k]);
        }
        return best;
    }

    /// <summary>
    /// Each run's evaluation group: runs whose eval inputs and teacher hidden activations on them
    /// are equal (the runs of one seed, every multi and p) share a group, checked by value.
    /// </summary>
    static int[] EvaluationGroups(IReadOnlyList<PreparedRun> runs)
    {
        using var scope = NewDisposeScope();
        var group = new int[runs.Count];
        var leaders = new List<int>();
        for (var i = 0; i < runs.Count; i++)
        {
            var found = leaders.FindIndex(l => Equal(runs[l].Eval.Inputs, runs[i].Eval.Inputs) && Equal(runs[l].TeacherEval, runs[i].TeacherEval));
            if (found < 0)
            {
                found = leaders.Count;
                leaders.Add(i);
            }
            group[i] = found;
        }
        return group;

        static bool Equal(Tensor a, Tensor b) => ReferenceEquals(a, b) || (a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>());
    }

    /// <summary>
    /// The per-epoch evaluation of runs that share their eval inputs and teacher hidden layer, all at
    /// once, over blocks of <see cref="EvaluationBlockRows"/> eval rows, so that a block's hidden layer
    /// stays in cache while it is used: the hidden layers of every student by one wide product
    /// (rows, d + 1) x (d + 1, sum n) and the activation in place; the cross products of every student
    /// node with every standardized teacher node and the column sums by one product with the teacher's
    /// rows (built once, <see cref="PreparedRun.TeacherStandardized"/>: the teacher side is centred, so
    /// the student's mean drops out of the cross product and no centred copy is made), the sums of
    /// squares by another; then each run's residual Y - h W - b by one product into a copy of its
    /// targets, and its squared norm as one dot product. The correlations are the cross products over
    /// N sigma_k, sigma_k^2 = E h_k^2 - (E h_k)^2, with Pearson's rule for constant nodes.
    /// The same numbers as <see cref="PreparedRun.Observe"/> run by run (the definitions:
    /// <see cref="Correlation.Pearson"/>, <see cref="Losses.MeanSquaredError(Tensor, Tensor)"/>), to
    /// round-off (SharedSeedRunTest).
    /// </summary>
    static void ObserveTogether(IReadOnlyList<PreparedRun> runs, IReadOnlyList<EpochRecord> epochs)
    {
        if (runs.Count == 1)
        {
            runs[0].Observe(epochs[0]);
            return;
        }
        var evaluations = new (double Loss, double[] Best)[runs.Count];
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var x = runs[0].EvalAugmented;
            var samples = x.shape[0];
            var (teacherRows, liveTeacher) = runs[0].TeacherStandardized;
            var m = teacherRows.shape[0] - 1;
            var firstLayers = cat(runs.Select(r => r.Student.Weights[0]).ToArray(), 1);
            var widths = runs.Select(r => r.Student.HiddenWidths[0]).ToArray();
            var starts = new int[runs.Count];
            for (var k = 1; k < runs.Count; k++) starts[k] = starts[k - 1] + widths[k - 1];
            var upper = runs.Select((r, k) => r.Student.Weights[1].narrow(0, 0, widths[k])).ToArray();
            var bias = runs.Select((r, k) => r.Student.Weights[1][widths[k]]).ToArray();
            // Over blocks of rows, so that each block's hidden layer stays in cache while it is used:
            // rows 0 .. m - 1 of `products` are the cross products with the standardized teacher nodes,
            // row m (the row of ones) the column sums; `squares` the sums of squares.
            var products = zeros(m + 1, firstLayers.shape[1], dtype: ScalarType.Float64, device: x.device);
            var squares = zeros(1, firstLayers.shape[1], dtype: ScalarType.Float64, device: x.device);
            var residualSquares = runs.Select(_ => new List<Tensor>()).ToArray();
            // Buffers reused by every block (written in place), so that a block's work stays in the same cache lines.
            var blockRows = Math.Min(EvaluationBlockRows, samples);
            var hiddenBuffer = empty(blockRows, firstLayers.shape[1], dtype: firstLayers.dtype, device: x.device);
            var squareBuffer = empty(blockRows, firstLayers.shape[1], dtype: firstLayers.dtype, device: x.device);
            var residualBuffer = empty(blockRows, runs[0].Eval.Targets.shape[1], dtype: firstLayers.dtype, device: x.device);
            for (long row = 0; row < samples; row += blockRows)
            {
                using var blockScope = NewDisposeScope();
                var rows = Math.Min(blockRows, samples - row);
                var hidden = hiddenBuffer.narrow(0, 0, rows);
                var square = squareBuffer.narrow(0, 0, rows);
                var residual = residualBuffer.narrow(0, 0, rows);
                hidden.addmm_(x.narrow(0, row, rows), firstLayers, beta: 0, alpha: 1);
                runs[0].Student.Activation.Apply_(hidden);
                var block = teacherRows.narrow(1, row, rows);
                products.addmm_(block, hidden, beta: 1, alpha: 1);
                square.copy_(hidden).mul_(hidden);
                squares.addmm_(block.narrow(0, m, 1), square, beta: 1, alpha: 1);
                for (var k = 0; k < runs.Count; k++)
                {
                    residual.copy_(runs[k].Eval.Targets.narrow(0, row, rows));
                    residual.addmm_(hidden.narrow(1, starts[k], widths[k]), upper[k], beta: 1, alpha: -1).sub_(bias[k]);
                    var flat = residual.view(-1);
                    residualSquares[k].Add(flat.dot(flat).MoveToOuterDisposeScope());
                }
            }
            var mean = products[m].Over(samples);
            var std = (squares.squeeze(0).Over(samples) - mean * mean).ClampAtLeast(0).sqrt_();
            var liveStudent = std.Above(Correlation.ConstantNodeStd).to(ScalarType.Float64);
            var rhoTensor = products.narrow(0, 0, m).Over(samples).div_(std.ClampAtLeast(Correlation.ConstantNodeStd).unsqueeze(0));
            var rho = RectifiedNetwork.ToArray((rhoTensor * liveTeacher.unsqueeze(1) * liveStudent.unsqueeze(0)).ClampTo(-1, 1));
            var losses = stack(residualSquares.Select(r => stack(r).sum()).ToArray()).to(CPU).data<double>().ToArray();
            for (var k = 0; k < runs.Count; k++)
                evaluations[k] = (losses[k] / runs[k].Eval.Targets.numel(), BestPerTeacher(rho, starts[k], widths[k]));
        }
        for (var k = 0; k < runs.Count; k++) runs[k].Record(epochs[k], evaluations[k].Loss, evaluations[k].Best);
    }

    /// <summary>Rows of the eval set per block of <see cref="ObserveTogether"/>: a block's hidden layer (rows x sum n, float64) stays in a core's cache.</summary>
    /// <remarks>1,000 measured best with 500 (2,500 and one block of all 10,000 rows cost 1.2 and 1.4x as much CPU at the paper's sweep); tests set others.</remarks>
    internal static int EvaluationBlockRows
    {
        get => evaluationBlockRows;
        set => evaluationBlockRows = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, $"Block rows must be >= 1; got {value}.");
    }

    static int evaluationBlockRows = 1000;

    /// <summary>Runs trained together in one batch, at most this many (fixed, so results never depend on the worker count).</summary>
    public const int BatchedRuns = 8;

    /// <summary>What the runs of one seed share besides the seed (<see cref="TwoLayerConfig"/>): they train and are evaluated together.</summary>
    public static string SeedKey(TwoLayerConfig c) =>
        FormattableString.Invariant($"{c.Seed}|{c.D}|{c.M}|{c.Outputs}|{c.Activation}|{c.Batch}|{c.ItersPerEpoch}|{c.NTrain}|{c.NEval}|{c.TrainData}");

    /// <summary>
    /// Every configuration on all cores, results in input order. The runs of one seed
    /// (<see cref="SeedKey"/>) train together (<see cref="RunBatched"/>): their first-layer products
    /// and their evaluations are wide products over all of them. Each seed's runs are split into
    /// batches of whole shapes (all runs of one student width together, at most
    /// <see cref="BatchedRuns"/> of them), at least two batches where there are two shapes, so
    /// that two workers get equal shares whatever the number of seeds, balanced by width (largest
    /// first, each to the lightest batch). The split is fixed by the configurations, never by the
    /// worker count; the batches spread over the workers.
    /// </summary>
    public static TwoLayerRun[] RunAll(IReadOnlyList<TwoLayerConfig> configs, int? workers = null, Action<int, int>? onProgress = null)
    {
        foreach (var c in configs) c.Validate();
        var chunks = configs.Select((c, i) => (Config: c, Index: i))
            .GroupBy(x => SeedKey(x.Config))
            .SelectMany(g => SplitSeed(g.ToArray(), x => x.Config.N))
            .ToArray();
        var done = 0;
        var results = new TwoLayerRun[configs.Count];
        TrialRunner.RunAll(chunks, chunk =>
        {
            TwoLayerRun[] runs;
            using (Phases.Time("seed-batch"))
                runs = RunBatched(chunk.Select(x => x.Config).ToArray());
            for (var k = 0; k < chunk.Length; k++) results[chunk[k].Index] = runs[k];
            onProgress?.Invoke(Interlocked.Add(ref done, chunk.Length), configs.Count);
            return chunk.Length;
        }, workers);
        return results;
    }

    /// <summary>
    /// One seed's runs in batches: items of one width form shape chunks of at most
    /// <see cref="BatchedRuns"/>; the chunks go, the heaviest first (count x width), to the lightest
    /// of max(2, ceil(runs / <see cref="BatchedRuns"/>)) batches (at most one per chunk). Items keep
    /// their order within a batch.
    /// </summary>
    static IEnumerable<T[]> SplitSeed<T>(T[] items, Func<T, int> width)
    {
        var chunks = Enumerable.Range(0, items.Length).GroupBy(i => width(items[i])).SelectMany(g => g.Chunk(BatchedRuns)).ToArray();
        var count = Math.Min(chunks.Length, Math.Max(2, (items.Length + BatchedRuns - 1) / BatchedRuns));
        var batches = Enumerable.Range(0, count).Select(_ => new List<int>()).ToArray();
        var load = new long[count];
        foreach (var chunk in chunks.OrderByDescending(c => (long)c.Length * width(items[c[0]])).ThenBy(c => c[0]))
        {
            var target = Enumerable.Range(0, count).OrderBy(b => load[b]).ThenBy(b => b).First();
            batches[target].AddRange(chunk);
            load[target] += (long)chunk.Length * width(items[chunk[0]]);
        }
        return batches.Select(b => b.Order().Select(i => items[i]).ToArray());
    }
}
