using Verify.Model.Training;

namespace Verify.Model.Evidence;

/// <summary>Per hidden layer (lowest first), the mean over teacher nodes of max over students of eval rho.</summary>
public sealed record MultiLayerRun(MultiLayerConfig Config, double[] MeanBestCorrelation, double TrainLoss, TrainingOutcome Outcome, double Seconds)
{
    /// <summary>Mean over runs of each layer's mean best correlation.</summary>
    public static double[] MeanPerLayer(IReadOnlyList<MultiLayerRun> runs) =>
        Enumerable.Range(0, runs[0].MeanBestCorrelation.Length).Select(l => runs.Average(r => r.MeanBestCorrelation[l])).ToArray();
}
