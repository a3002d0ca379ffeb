using System.Diagnostics;
using Verify.Model.Analysis;
using Verify.Model.Data;
using Verify.Model.Evidence;
using Verify.Model.Networks;
using Verify.Model.Training;
using static TorchSharp.torch;

namespace Verify.Model.Experiments;

/// <summary>
/// A run set up and observed epoch by epoch: teacher, data, student, and the eval-set numbers
/// (loss, coverage, first covered epoch) recorded after every epoch, with the training loss and
/// max per-sample gradient at each teacher's first covered epoch. Owns its tensors.
/// </summary>
internal sealed class PreparedRun : IDisposable
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
        var streams = TwoLayerExperiment.Streams(config);
        var phase = Phases.Time("prepare/data");
        teacher = Teacher.Build(spec, streams.Teacher);
        Train = inputs is not null ? Dataset.Label(teacher, inputs.Train) : TwoLayerExperiment.TrainingSet(teacher, spec, config);
        eval = inputs is not null ? Dataset.Label(teacher, inputs.Eval) : Dataset.Gaussian(teacher, config.NEval, streams.EvalInputs, TwoLayerExperiment.DataStd);
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

    /// <summary>The teacher's hidden activations on the eval inputs: (N_eval, m).</summary>
    public Tensor TeacherEval => teacherEval;

    /// <summary>A new evaluation on this run's eval set (the caller disposes it).</summary>
    public TwoLayerEvaluation Evaluation() => new(eval.Inputs, teacherEval);

    /// <summary>
    /// Records the evaluation after <paramref name="epoch"/>: eval loss and max_k rho_jk per
    /// teacher; where a teacher is covered for the first time, the training loss and max
    /// per-sample gradient then (<see cref="FirstCoverage.Measure"/>: the trainer measures only
    /// the last epoch of a sweep's run, so other epochs are measured here, and only these).
    /// </summary>
    public void Record(EpochRecord epoch, (double Loss, double[] BestPerTeacher) evaluation)
    {
        var (loss, best) = evaluation;
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
        teacherEval.Dispose();
        Student.Dispose();
        eval.Dispose();
        Train.Dispose();
        teacher.Dispose();
    }
}
