using Verify.Model.Evidence;
using Verify.Model.Sweeps;
using static Verify.Cli.Report.OutputJson;

namespace Verify.Cli.Report;

/// <summary>
/// One row of epochs, the training curves in long format: one value of one metric of one run after
/// one epoch (epoch 0: before the first step). <c>layer</c> is null for a metric of the whole
/// network and names the hidden layer (1 = lowest) for a metric of one layer. Metrics:
/// two-layer runs <c>eval_loss</c> and <c>coverage</c> (epochs 1..E); the authors' multi-layer
/// runs <c>eval_loss</c> (0..E), <c>train_loss</c> (1..E) and <c>mean_best_corr</c> per layer
/// (0..E). A value that was not finite is null with <c>value_nonfinite</c> true.
/// </summary>
public sealed record EpochRow(string RunId, string Experiment, int Epoch, int? Layer, string Metric, double? Value, bool ValueNonfinite)
{
    public const string Table = "epochs";

    static EpochRow Of(string id, string experiment, int epoch, int? layer, string metric, double value) =>
        new(id, experiment, epoch, layer, metric, Finite(value), NonFinite(value));

    public static IEnumerable<EpochRow> From(TwoLayerRun run, string experiment)
    {
        var id = SweepJson.RunId(run.Config);
        return run.EvalLossPerEpoch.Select((v, e) => Of(id, experiment, e + 1, null, "eval_loss", v))
            .Concat(run.CoveragePerEpoch.Select((v, e) => Of(id, experiment, e + 1, null, "coverage", v)));
    }

    public static IEnumerable<EpochRow> From(AuthorsMultiLayerRun run, string experiment = "multi-layer.authors")
    {
        var id = SweepJson.RunId(run.Config);
        return run.EvalLossPerEpoch.Select((v, e) => Of(id, experiment, e, null, "eval_loss", v))
            .Concat(run.TrainLossPerEpoch.Select((v, e) => Of(id, experiment, e + 1, null, "train_loss", v)))
            .Concat(run.MeanBestCorrelationPerEpoch.SelectMany((layers, e) => layers.Select((v, l) => Of(id, experiment, e, l + 1, "mean_best_corr", v))));
    }
}
