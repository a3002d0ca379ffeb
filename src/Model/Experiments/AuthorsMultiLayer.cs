using System.Diagnostics;
using Verify.Model.Analysis;
using Verify.Model.Data;
using Verify.Model.Networks;
using Verify.Model.Runtime;
using Verify.Model.Training;
using static TorchSharp.torch;

namespace Verify.Model.Experiments;

/// <summary>
/// One run of the authors' multi-layer experiment as they ran it (recon_multilayer.py with
/// conf/config_multilayer.yaml); the defaults are the yaml's. Each field is named after its key.
/// </summary>
public sealed record AuthorsMultiLayerConfig
{
    /// <summary>data_d: input dimension.</summary>
    public int D { get; init; } = 20;

    /// <summary>ks: teacher widths, lowest first.</summary>
    public IReadOnlyList<int> Ks { get; init; } = [50, 75, 100, 125];

    /// <summary>node_multi: the student is this many times wider at every hidden layer.</summary>
    public int NodeMulti { get; init; } = 10;

    /// <summary>data_std: inputs x ~ N(0, data_std^2 I_d).</summary>
    public double DataStd { get; init; } = 10;

    /// <summary>random_dataset_size: training-set size N.</summary>
    public int NTrain { get; init; } = 2_000_000;

    /// <summary>Evaluation-set size (dataset.py: 10,240); the teacher is tuned on it, as the authors tune on their eval loader.</summary>
    public int NEval { get; init; } = 10_240;

    /// <summary>batchsize.</summary>
    public int Batch { get; init; } = 64;

    /// <summary>num_epoch: shuffled passes over the training set.</summary>
    public int Epochs { get; init; } = 100;

    /// <summary>lr: "{0:0.2,20:0.1}", rates of PyTorch's MSELoss (mean over samples and outputs), from each epoch on.</summary>
    public IReadOnlyList<(int Epoch, double Rate)> LearningRates { get; init; } = [(0, 0.2), (20, 0.1)];

    /// <summary>Outputs (dataset.py's d_output for Gaussian data).</summary>
    public int Outputs { get; init; } = 100;

    /// <summary>The run seed: teacher, data, student and batch order come from its named streams.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>The yaml's configuration, seed 1.</summary>
    public static AuthorsMultiLayerConfig Authors { get; } = new();

    /// <summary>The trainer's options: the yaml's rates converted to the suite's step (<see cref="MseRate"/>, factor 2 / outputs).</summary>
    public PassOptions PassOptions() => new()
    {
        Batch = Batch,
        Epochs = Epochs,
        Schedule = LearningRates.Select(p => (p.Epoch, MseRate.ToStep(p.Rate, Outputs))).ToArray(),
    };

    /// <summary>Throws one message naming the first out-of-range field.</summary>
    public void Validate()
    {
        new AuthorsTeacherSpec(D, Ks, Outputs).Validate();
        if (Ks.Count < 2) throw new ArgumentException($"The multi-layer experiment needs at least two hidden layers; got ks [{string.Join(",", Ks)}].", nameof(Ks));
        if (NodeMulti < 1) throw new ArgumentOutOfRangeException(nameof(NodeMulti), NodeMulti, $"node_multi must be >= 1; got {NodeMulti}.");
        if (!double.IsFinite(DataStd) || DataStd <= 0) throw new ArgumentOutOfRangeException(nameof(DataStd), DataStd, $"data_std must be finite and > 0; got {DataStd}.");
        if (NTrain < 1) throw new ArgumentOutOfRangeException(nameof(NTrain), NTrain, $"The training set needs at least one sample; got {NTrain}.");
        if (NEval < 2) throw new ArgumentOutOfRangeException(nameof(NEval), NEval, $"The evaluation set needs at least two samples; got {NEval}.");
        PassOptions().Validate(NTrain);
    }

    public string Rates => string.Join(",", LearningRates.Select(p => FormattableString.Invariant($"{p.Epoch}:{p.Rate}")));

    public override string ToString() => FormattableString.Invariant($"seed {Seed}, N {NTrain}, {Shape}");

    /// <summary>Everything but the seed and N: what the runs of one sweep share.</summary>
    public string Shape => FormattableString.Invariant(
        $"d {D}, ks [{string.Join(",", Ks)}], node_multi {NodeMulti}, data_std {DataStd}, N_eval {NEval}, batch {Batch}, {Epochs} epochs, lr {Rates} (MSELoss), {Outputs} outputs");
}

/// <summary>
/// One run of the authors' multi-layer experiment, in plain numbers. Losses are PyTorch's MSELoss
/// (mean over samples and outputs). Correlations are on the evaluation set, per hidden layer
/// (lowest first): each teacher node's best correlation with a student node of its layer.
/// </summary>
/// <param name="Config">The run.</param>
/// <param name="BestCorrelation">[layer][teacher node]: max_k rho_jk at the end.</param>
/// <param name="MeanBestCorrelation">Per layer, the mean over teacher nodes of <paramref name="BestCorrelation"/> (the authors' figure).</param>
/// <param name="InitialTrainLoss">Over the whole training set, before the first step.</param>
/// <param name="TrainLoss">Over the whole training set, at the end.</param>
/// <param name="InitialEvalLoss">Over the evaluation set, before the first step.</param>
/// <param name="EvalLoss">Over the evaluation set, at the end.</param>
/// <param name="MeanBestCorrelationPerEpoch">[epoch][layer], epoch 0 before training, then after each epoch.</param>
/// <param name="TrainLossPerEpoch">After each epoch (1..E): the mean over its batches of the loss before each step (the authors' train loss).</param>
/// <param name="EvalLossPerEpoch">Epoch 0 before training, then after each epoch.</param>
/// <param name="Training">Completed its epochs (<see cref="TrainingOutcome.BudgetExhausted"/>) or diverged.</param>
/// <param name="Steps">SGD steps taken.</param>
/// <param name="DivergedAtStep">The step whose batch loss was not finite, when it diverged.</param>
/// <param name="LastFiniteLoss">The last finite batch loss before that step (MSELoss).</param>
/// <param name="Seconds">Wall time of the run.</param>
public sealed record AuthorsMultiLayerRun(
    AuthorsMultiLayerConfig Config,
    double[][] BestCorrelation,
    double[] MeanBestCorrelation,
    double InitialTrainLoss,
    double TrainLoss,
    double InitialEvalLoss,
    double EvalLoss,
    double[][] MeanBestCorrelationPerEpoch,
    double[] TrainLossPerEpoch,
    double[] EvalLossPerEpoch,
    TrainingOutcome Training,
    long Steps,
    long? DivergedAtStep,
    double? LastFiniteLoss,
    double Seconds)
{
    public bool Diverged => Training == TrainingOutcome.Diverged;

    /// <summary>Final over initial training loss (NaN when either is not finite).</summary>
    public double LossRatio => double.IsFinite(TrainLoss) && double.IsFinite(InitialTrainLoss) && InitialTrainLoss > 0 ? TrainLoss / InitialTrainLoss : double.NaN;

    /// <summary>Per layer, the share of teacher nodes whose best correlation exceeds <paramref name="tau"/>.</summary>
    public double[] FractionAbove(double tau) => BestCorrelation.Select(layer => layer.Count(c => c > tau) / (double)layer.Length).ToArray();
}

/// <summary>
/// The authors' multi-layer experiment: a teacher built and tuned as theirs (<see cref="AuthorsTeacher"/>,
/// tuned on the evaluation inputs as they tune it on their eval loader), Gaussian inputs
/// N(0, data_std^2 I), a student node_multi times wider with PyTorch's default initialization
/// (<see cref="Student.PyTorchDefault"/>), SGD by shuffled passes (<see cref="PassTrainer"/>) with
/// their MSELoss rates converted exactly (<see cref="MseRate"/>), and after every epoch each layer's
/// correlations and the losses on the evaluation set. Named streams of the run seed: "teacher",
/// "eval-inputs", "train-inputs", "student", "batches"; so runs of one seed at different N share
/// the teacher, the evaluation set and the student's initialization.
/// </summary>
public static class AuthorsMultiLayer
{
    /// <summary>Rows per block of a pass over the training set outside training (labels, losses): a large N never holds every layer of every sample at once.</summary>
    const int BlockRows = 65_536;

    /// <summary>Trains and measures one run; <paramref name="onEpoch"/> is called after each epoch (progress).</summary>
    public static AuthorsMultiLayerRun Run(AuthorsMultiLayerConfig config, Action? onEpoch = null)
    {
        config.Validate();
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        using var evalInputs = Inputs.Gaussian(config.NEval, config.D, Seeds.Of(config.Seed, "eval-inputs"), config.DataStd);
        using var teacher = AuthorsTeacher.Build(new AuthorsTeacherSpec(config.D, config.Ks, config.Outputs), Seeds.Of(config.Seed, "teacher"), evalInputs);
        using var eval = Dataset.Label(teacher, evalInputs);
        Dataset train;
        using (var trainInputs = Inputs.Gaussian(config.NTrain, config.D, Seeds.Of(config.Seed, "train-inputs"), config.DataStd))
            train = Dataset.Label(teacher, trainInputs, BlockRows);
        using var _ = train;
        using var student = Student.PyTorchDefault(teacher, config.NodeMulti, Seeds.Of(config.Seed, "student"));
        using var teacherTrace = Traced(teacher, eval.Inputs);

        var (best0, evalLoss0) = OnEval(student, teacherTrace, eval);
        var initialTrain = TrainLoss(student, train);
        var perEpoch = new List<double[]> { Means(best0) };
        var evalPerEpoch = new List<double> { evalLoss0 };
        var result = PassTrainer.Train(student, train, config.PassOptions(), Seeds.Of(config.Seed, "batches"), epoch =>
        {
            var (best, loss) = OnEval(student, teacherTrace, eval);
            perEpoch.Add(Means(best));
            evalPerEpoch.Add(loss);
            onEpoch?.Invoke();
        });
        double[][] final;
        double evalLoss, trainLoss;
        if (result.Diverged)
        {
            final = config.Ks.Select(m => Enumerable.Repeat(double.NaN, m).ToArray()).ToArray();
            (evalLoss, trainLoss) = (double.NaN, double.NaN);
        }
        else
        {
            (final, evalLoss) = OnEval(student, teacherTrace, eval);
            trainLoss = TrainLoss(student, train);
        }
        return new AuthorsMultiLayerRun(config, final, Means(final), initialTrain, trainLoss, evalLoss0, evalLoss, perEpoch.ToArray(),
            result.MeanBatchLossPerEpoch.Select(l => Losses.FromObjective(l, config.Outputs)).ToArray(), evalPerEpoch.ToArray(),
            result.Outcome, result.Steps, result.DivergedAtStep, result.LastFiniteLoss is { } f ? Losses.FromObjective(f, config.Outputs) : null,
            clock.Elapsed.TotalSeconds);
    }

    static double[] Means(double[][] best) => best.Select(layer => layer.Average()).ToArray();

    static NetworkTrace Traced(RectifiedNetwork net, Tensor inputs)
    {
        using var noGrad = no_grad();
        return net.Trace(inputs);
    }

    /// <summary>Each layer's best correlations and the MSE on the evaluation set.</summary>
    static (double[][] Best, double Loss) OnEval(RectifiedNetwork student, NetworkTrace teacher, Dataset eval)
    {
        using var scope = NewDisposeScope();
        using var trace = Traced(student, eval.Inputs);
        return (LayerCorrelations.BestPerTeacherNode(teacher.Activations, trace.Activations), Losses.MeanSquaredError(trace.Output, eval.Targets));
    }

    /// <summary>MSE over the whole training set, a block of rows at a time.</summary>
    static double TrainLoss(RectifiedNetwork student, Dataset train)
    {
        using var noGrad = no_grad();
        var sum = 0.0;
        for (long start = 0; start < train.Count; start += BlockRows)
        {
            using var scope = NewDisposeScope();
            var rows = Math.Min(BlockRows, train.Count - start);
            var y = student.forward(train.Inputs.narrow(0, start, rows));
            sum += (train.Targets.narrow(0, start, rows) - y).Squared().sum().item<double>();
        }
        return sum / ((double)train.Count * train.Targets.shape[1]);
    }
}
