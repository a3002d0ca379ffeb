using TorchSharp;
using Verify.Model.Data;
using Verify.Model.Networks;
using Verify.Model.Runtime;
using static TorchSharp.torch;

namespace Verify.Model.Training;

/// <summary>One epoch's end (the student's weights are up to date): its number (1-based), the steps so far, its rate and the mean of its batch losses.</summary>
public sealed record PassEpoch(int Epoch, long Steps, double Rate, double MeanBatchLoss);

/// <summary>
/// The end of a run trained by shuffled passes, in plain numbers. Losses are the step's objective
/// 1/2 ||r||^2 / B (sum over outputs, mean over the batch); <see cref="MeanBatchLossPerEpoch"/> is
/// the mean over an epoch's batches of the loss before each step (the authors' train loss).
/// </summary>
public sealed record PassResult(TrainingOutcome Outcome, long Steps, int EpochsRun, IReadOnlyList<double> MeanBatchLossPerEpoch, long? DivergedAtStep = null, double? LastFiniteLoss = null)
{
    public bool Diverged => Outcome == TrainingOutcome.Diverged;
}
