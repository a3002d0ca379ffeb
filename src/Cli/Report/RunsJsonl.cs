using System.Text.Json;
using System.Text.Json.Serialization;
using Verify.Model;
using Verify.Model.Claims;
using Verify.Model.Evidence;
using Verify.Model.Sweeps;
using Verify.Model.Training;

namespace Verify.Cli.Report;

/// <summary>
/// Writes training runs as JSON Lines (runs.jsonl): one object per run, snake_case field names, its
/// <c>run_id</c> first (<see cref="SweepJson.RunId"/> of its configuration). A line is one of three
/// kinds, each a type with a schema of its own (<see cref="OutputSchemas"/>): a two-layer run
/// (<see cref="TwoLayerLine"/>, non-finite numbers as the strings "NaN", "Infinity", "-Infinity"), a
/// run of the paper's multi-layer set-up (<see cref="MultiLayerLine"/>) or of the authors'
/// (<see cref="AuthorsMultiLayerLine"/>, non-finite numbers as null). The tidy tables of
/// <see cref="OutputTables"/> hold the same runs in long format, beside it.
/// </summary>
public static class RunsJsonl
{
    /// <summary>The options of runs.jsonl: snake_case, named literals for non-finite doubles (as the file has always been written).</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            WriteIndented = false,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>The fields of one two-layer run (the list, plus the per-epoch curves).</summary>
    public static TwoLayerLine Record(TwoLayerRun run, string experiment)
    {
        var c = run.Config;
        return new TwoLayerLine(
            SweepJson.RunId(c), experiment, c.Seed, c.D, c.M, c.Multi, c.N, c.Decay, c.Activation.ToString(),
            c.Epochs, c.ItersPerEpoch, c.Batch, c.LearningRate, c.NTrain, c.NEval,
            run.Outcome.ToString(), run.DivergedAtStep, run.LastFiniteLoss, run.TrainLoss, run.EvalLoss,
            run.BestCorrPerTeacher, run.FirstCoveredEpoch, run.GradAtFirstCover, run.LossAtFirstCover,
            c.Tau, run.EarlyEpoch, run.BestCorrPerTeacherEarly, run.BestCorrPerStudent, run.StudentFanoutNorm, run.TeacherFanoutNorm,
            run.MaxSampleGrad, run.EvalLossPerEpoch, run.CoveragePerEpoch, run.Seconds);
    }

    /// <summary>The fields of one run of the paper's multi-layer set-up.</summary>
    public static MultiLayerLine Record(MultiLayerRun run)
    {
        var c = run.Config;
        return new MultiLayerLine(
            SweepJson.RunId(c), "multi-layer", c.Seed, c.D, c.Widths, c.Multi, c.Outputs, c.Epochs, c.ItersPerEpoch, c.Batch, c.LearningRate,
            c.NTrain, c.NEval, run.Outcome.ToString(), run.TrainLoss, run.MeanBestCorrelation, run.Seconds);
    }

    /// <summary>
    /// The fields of one run of the authors' multi-layer protocol: its configuration (the yaml's keys),
    /// per layer the mean best correlation, the share of teacher nodes above tau and each teacher
    /// node's best correlation (eval data), the losses (MSELoss), the per-epoch curves, and the outcome
    /// with its numbers. Numbers that are not finite are written as null.
    /// </summary>
    public static AuthorsMultiLayerLine Record(AuthorsMultiLayerRun run, string experiment = "multi-layer.authors")
    {
        var c = run.Config;
        var state = MultiLayerAuthorsClaim.Classify(run);
        return new AuthorsMultiLayerLine(
            SweepJson.RunId(c), experiment, c.Seed, c.D, c.Ks, c.NodeMulti, c.DataStd, c.NTrain, c.NEval, c.Batch, c.Epochs,
            c.LearningRates.ToDictionary(p => p.Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture), p => p.Rate),
            MseRate.ToStep(1, c.Outputs), c.Outputs, state.ToString().ToLowerInvariant(),
            Finite(run.LossRatio), MultiLayerAuthorsClaim.StallFraction, run.DivergedAtStep,
            run.LastFiniteLoss is { } f ? Finite(f) : null, run.Steps,
            Finite(run.MeanBestCorrelation), Rules.Tau, run.Diverged ? null : Finite(run.FractionAbove(Rules.Tau)),
            run.BestCorrelation.Select(Finite).ToArray(),
            Finite(run.InitialTrainLoss), Finite(run.TrainLoss), Finite(run.InitialEvalLoss), Finite(run.EvalLoss),
            run.MeanBestCorrelationPerEpoch.Select(Finite).ToArray(), Finite(run.TrainLossPerEpoch), Finite(run.EvalLossPerEpoch),
            run.Seconds);
    }

    static double? Finite(double v) => double.IsFinite(v) ? v : null;

    static double?[] Finite(double[] values) => values.Select(Finite).ToArray();

    /// <summary>One line per record, written to <paramref name="path"/> (replaced).</summary>
    public static void Write(string path, IEnumerable<IRunsJsonlLine> records)
    {
        using var writer = new StreamWriter(path, append: false);
        foreach (var r in records) writer.WriteLine(JsonSerializer.Serialize(r, r.GetType(), Options));
    }
}
