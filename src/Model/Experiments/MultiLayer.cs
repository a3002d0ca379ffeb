using System.Diagnostics;
using Verify.Model.Analysis;
using Verify.Model.Claims;
using Verify.Model.Data;
using Verify.Model.Networks;
using Verify.Model.Training;
using static TorchSharp.torch;

namespace Verify.Model.Experiments;

/// <summary>
/// A scaled-down version of the paper's multi-layer experiment (notes section 4): a deep teacher
/// with grid weights and biases tuned so each node is active on about half the data, Gaussian
/// inputs, a student <see cref="Multi"/> times wider at every layer, plain SGD with a learning-rate
/// drop halfway. The paper's sizes are d = 20, widths [50, 75, 100, 125], 100 outputs, batch 64.
/// </summary>
public sealed record MultiLayerConfig
{
    public int D { get; init; } = 20;
    public IReadOnlyList<int> Widths { get; init; } = [50, 75, 100, 125];
    public int Outputs { get; init; } = 100;
    public int Multi { get; init; } = 2;
    public double InputStd { get; init; } = 1.5;
    public int NTrain { get; init; } = 10_000;
    public int NEval { get; init; } = 10_000;
    public int Batch { get; init; } = 64;
    public double LearningRate { get; init; } = 0.01;
    public int Epochs { get; init; } = 20;
    public int ItersPerEpoch { get; init; } = 1000;
    public long Seed { get; init; } = 1;

    public void Validate()
    {
        if (D < 1 || Outputs < 1 || Multi < 1 || NTrain < 2 || NEval < 2 || Epochs < 1 || ItersPerEpoch < 1 || Batch < 1 || Batch > NTrain)
            throw new ArgumentException($"Invalid multi-layer configuration: {this}.");
        if (Widths.Count < 2 || Widths.Any(w => w < 1)) throw new ArgumentException($"A multi-layer teacher needs at least two hidden layers of width >= 1; got [{string.Join(", ", Widths)}].");
        if (!double.IsFinite(LearningRate) || LearningRate <= 0 || !double.IsFinite(InputStd) || InputStd <= 0)
            throw new ArgumentException($"Learning rate and input std must be finite and > 0: {this}.");
    }

    public override string ToString() => System.FormattableString.Invariant(
        $"seed {Seed}, d {D}, teacher widths [{string.Join(",", Widths)}], outputs {Outputs}, multi {Multi}, input std {InputStd}, N_train {NTrain}, N_eval {NEval}, {Epochs}x{ItersPerEpoch} iters, batch {Batch}, lr {LearningRate} then {LearningRate / 2}");
}

/// <summary>Per hidden layer (lowest first), the mean over teacher nodes of max over students of eval rho.</summary>
public sealed record MultiLayerRun(MultiLayerConfig Config, double[] MeanBestCorrelation, double TrainLoss, TrainingOutcome Outcome, double Seconds);

public static class MultiLayer
{
    public static MultiLayerRun Run(MultiLayerConfig config)
    {
        config.Validate();
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        var spec = new TeacherSpec(config.D, config.Widths, config.Outputs, InputStd: config.InputStd);
        using var teacher = Teacher.Build(spec, config.Seed);
        using var train = Dataset.Gaussian(teacher, config.NTrain, config.Seed + 1, config.InputStd);
        using var eval = Dataset.Gaussian(teacher, config.NEval, config.Seed + 2, config.InputStd);
        using var student = Student.OverRealized(teacher, config.Multi, config.Seed * 1000 + config.Multi + 3);
        var options = new SgdOptions
        {
            LearningRate = config.LearningRate, BatchSize = config.Batch, Epochs = config.Epochs, ItersPerEpoch = config.ItersPerEpoch,
            Schedule = [(config.Epochs / 2, config.LearningRate / 2)],
        };
        var result = SgdTrainer.Train(student, train, options, config.Seed * 1000 + config.Multi + 4);
        var layers = result.Diverged
            ? Enumerable.Repeat(double.NaN, config.Widths.Count).ToArray()
            : MeanBestCorrelationPerLayer(teacher, student, eval.Inputs);
        return new MultiLayerRun(config, layers, result.FinalTrainLoss, result.Outcome, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Per hidden layer: mean over teacher nodes j of max_k rho_jk on <paramref name="inputs"/>.</summary>
    static double[] MeanBestCorrelationPerLayer(RectifiedNetwork teacher, RectifiedNetwork student, Tensor inputs)
    {
        // Specialization.Analyze also compares weight vectors, which only share a space at layer 1;
        // the correlation of activations is defined at every layer.
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var t = teacher.Trace(inputs);
        using var s = student.Trace(inputs);
        return Enumerable.Range(0, teacher.HiddenLayers).Select(l =>
        {
            var rho = Correlation.Pearson(t.Activations[l], s.Activations[l]);
            return Enumerable.Range(0, rho.GetLength(0)).Average(j => Enumerable.Range(0, rho.GetLength(1)).Max(k => rho[j, k]));
        }).ToArray();
    }

    /// <summary>
    /// Slack for "at least": the lowest layer's mean best correlation may sit this far below an upper
    /// layer's and still count (the seed-to-seed spread of a layer's mean at the default size).
    /// </summary>
    public const double Slack = 0.02;

    /// <summary>Holds when the lowest layer's mean best correlation (mean over seeds) is at least every upper layer's, less <see cref="Slack"/>.</summary>
    public static ClaimOutcome LowestLayerSpecializesMost(IReadOnlyList<MultiLayerRun> runs)
    {
        const string claim = "Multi-layer: the lowest layer's mean best correlation is at least the upper layers'";
        var numbers = new Dictionary<string, double>();
        if (runs.Count == 0) return new ClaimOutcome(claim, Verdict.Inconclusive, "no runs.", numbers);
        var diverged = runs.Where(r => r.Outcome == TrainingOutcome.Diverged).ToArray();
        numbers["diverged_runs"] = diverged.Length;
        if (diverged.Length > 0) return new ClaimOutcome(claim, Verdict.Inconclusive, $"{diverged.Length} of {runs.Count} runs diverged, e.g. {diverged[0].Config}.", numbers);
        var means = MeanPerLayer(runs);
        for (var l = 0; l < means.Length; l++) numbers[$"layer_{l + 1}_mean_best_corr"] = means[l];
        var holds = means.Skip(1).All(m => means[0] >= m - Slack);
        var evidence = "mean over teacher nodes of the best eval correlation, per layer (lowest first): " +
                       string.Join(", ", means.Select((m, l) => $"layer {l + 1}: {m:0.000}")) + $"; slack {Slack}; {runs.Count} runs ({runs[0].Config}).";
        return new ClaimOutcome(claim, holds ? Verdict.Holds : Verdict.Fails, evidence, numbers);
    }

    /// <summary>Mean over runs of each layer's mean best correlation.</summary>
    public static double[] MeanPerLayer(IReadOnlyList<MultiLayerRun> runs) =>
        Enumerable.Range(0, runs[0].MeanBestCorrelation.Length).Select(l => runs.Average(r => r.MeanBestCorrelation[l])).ToArray();
}
