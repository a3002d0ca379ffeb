using Verify.Model.Claims;
using Verify.Model.Evidence;
using Verify.Model.Sweeps;
using static Verify.Cli.Report.OutputJson;

namespace Verify.Cli.Report;

/// <summary>
/// One row of multi_layer_runs: a run of the multi-layer experiment, the paper's set-up
/// (<c>protocol</c> "paper") or the authors' (<c>protocol</c> "authors"), with its scalar results.
/// Per layer numbers are rows of layers, per node numbers rows of nodes, curves rows of epochs,
/// joined on <see cref="RunId"/>. Fields one protocol does not have are null. A number that was
/// not finite is null with its <c>_nonfinite</c> flag true.
/// </summary>
public sealed record MultiLayerRunRow(
    string RunId, string Experiment, string Protocol, long Seed,
    int D, int HiddenLayers, int Outputs, int NodeMulti, double InputStd, int NTrain, int NEval, int Batch,
    int Epochs, int? ItersPerEpoch, double Lr, string LrSchedule,
    string Outcome, long? Steps, long? DivergedAtStep, double? LastFiniteLoss,
    double? TrainLossInitial, bool TrainLossInitialNonfinite, double? TrainLoss, bool TrainLossNonfinite,
    double? EvalLossInitial, bool EvalLossInitialNonfinite, double? EvalLoss, bool EvalLossNonfinite,
    double? LossRatio, bool LossRatioNonfinite, double Seconds)
{
    public const string Table = "multi_layer_runs";

    /// <summary>A run of the paper's set-up (`reproduce`'s "multi-layer" section): rate <see cref="MultiLayerConfig.LearningRate"/>, halved halfway.</summary>
    public static MultiLayerRunRow From(MultiLayerRun run)
    {
        var c = run.Config;
        var schedule = FormattableString.Invariant($"0:{c.LearningRate},{c.Epochs / 2}:{c.LearningRate / 2}");
        return new MultiLayerRunRow(
            SweepJson.RunId(c), "multi-layer", "paper", c.Seed,
            c.D, c.Widths.Count, c.Outputs, c.Multi, c.InputStd, c.NTrain, c.NEval, c.Batch,
            c.Epochs, c.ItersPerEpoch, c.LearningRate, schedule,
            run.Outcome.ToString(), null, null, null,
            null, false, Finite(run.TrainLoss), NonFinite(run.TrainLoss),
            null, false, null, false,
            null, false, run.Seconds);
    }

    /// <summary>A run of the authors' protocol; its outcome is the claim's classification (completed, stalled, diverged).</summary>
    public static MultiLayerRunRow From(AuthorsMultiLayerRun run, string experiment = "multi-layer.authors")
    {
        var c = run.Config;
        return new MultiLayerRunRow(
            SweepJson.RunId(c), experiment, "authors", c.Seed,
            c.D, c.Ks.Count, c.Outputs, c.NodeMulti, c.DataStd, c.NTrain, c.NEval, c.Batch,
            c.Epochs, null, c.LearningRates[0].Rate, c.Rates,
            MultiLayerAuthorsClaim.Classify(run).ToString().ToLowerInvariant(), run.Steps, run.DivergedAtStep, Finite(run.LastFiniteLoss),
            Finite(run.InitialTrainLoss), NonFinite(run.InitialTrainLoss), Finite(run.TrainLoss), NonFinite(run.TrainLoss),
            Finite(run.InitialEvalLoss), NonFinite(run.InitialEvalLoss), Finite(run.EvalLoss), NonFinite(run.EvalLoss),
            Finite(run.LossRatio), NonFinite(run.LossRatio), run.Seconds);
    }
}
