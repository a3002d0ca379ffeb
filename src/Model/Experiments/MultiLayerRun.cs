using Verify.Model.Training;

namespace Verify.Model.Experiments;

/// <summary>Per hidden layer (lowest first), the mean over teacher nodes of max over students of eval rho.</summary>
public sealed record MultiLayerRun(MultiLayerConfig Config, double[] MeanBestCorrelation, double TrainLoss, TrainingOutcome Outcome, double Seconds);
