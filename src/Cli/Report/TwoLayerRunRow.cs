using Verify.Model.Evidence;
using Verify.Model.Sweeps;
using static Verify.Cli.Report.OutputJson;

namespace Verify.Cli.Report;

/// <summary>
/// One row of two_layer_runs: a two-layer run's configuration and its scalar results. Its per-node
/// numbers are rows of nodes, its curves rows of epochs, joined on <see cref="RunId"/>. A number
/// that was not finite is null with its <c>_nonfinite</c> flag true. docs/outputs.md gives units.
/// </summary>
public sealed record TwoLayerRunRow(
    string RunId, string Experiment, long Seed,
    int D, int M, int Multi, int N, int Outputs, double Decay, string Activation, string TrainData,
    int Epochs, int ItersPerEpoch, int Batch, double Lr, int NTrain, int NEval, double Tau, int EarlyEpoch,
    string Outcome, long? DivergedAtStep, double? LastFiniteLoss,
    double? TrainLoss, bool TrainLossNonfinite, double? EvalLoss, bool EvalLossNonfinite,
    double? MaxSampleGrad, bool MaxSampleGradNonfinite, int TeachersCovered, double Seconds)
{
    public const string Table = "two_layer_runs";

    public static TwoLayerRunRow From(TwoLayerRun run, string experiment)
    {
        var c = run.Config;
        return new TwoLayerRunRow(
            SweepJson.RunId(c), experiment, c.Seed,
            c.D, c.M, c.Multi, c.N, c.Outputs, c.Decay, c.Activation.ToString(), c.TrainData.ToString().ToLowerInvariant(),
            c.Epochs, c.ItersPerEpoch, c.Batch, c.LearningRate, c.NTrain, c.NEval, c.Tau, run.EarlyEpoch,
            run.Outcome.ToString(), run.DivergedAtStep, Finite(run.LastFiniteLoss),
            Finite(run.TrainLoss), NonFinite(run.TrainLoss), Finite(run.EvalLoss), NonFinite(run.EvalLoss),
            Finite(run.MaxSampleGrad), NonFinite(run.MaxSampleGrad), run.CoveredAtEnd.Count(x => x), run.Seconds);
    }
}
