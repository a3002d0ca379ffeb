using Verify.Model.Training;

namespace Verify.Model.Evidence;

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
